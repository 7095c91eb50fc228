# What differs from Django's English formats: a time in the admin's inputs has no seconds.
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H:%M:%S.%f"]
