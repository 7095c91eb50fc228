"""gunicorn's settings, for the services mode: ``gunicorn -c config/gunicorn.py config.wsgi``.

The access log goes to standard output with the signed tokens in addresses redacted
(``/manage/<redacted>/``, common.log_redaction), in the request line, the path and the
Referer alike; gunicorn's error log is redacted the same way. Options given on the
command line (``--workers``, ``--bind``) override these.
"""

from gunicorn.glogging import Logger

from common.log_redaction import RedactTokens

accesslog = "-"


class RedactingLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(existing, RedactTokens) for existing in log.filters):
                log.addFilter(RedactTokens())


logger_class = RedactingLogger
