"""The one base of every app's domain error.

Each app raises its own subclass (``BookingError``, ``EnrolmentError``, ...) whose message
is translated and safe to show to whoever asked; a view or admin action that calls services
of several apps catches ``DomainError``.
"""


class DomainError(Exception):
    """A rule refused a change; ``str(error)`` is the translated reason."""
