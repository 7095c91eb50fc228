# What differs from Django's Danish formats: a time typed or shown in the admin's inputs
# has no seconds (10:00, not 10:00:00); 10.00 is read too. Django reads ISO dates as well.
TIME_INPUT_FORMATS = ["%H:%M", "%H.%M", "%H:%M:%S", "%H:%M:%S.%f"]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H.%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M:%S.%f",
]
