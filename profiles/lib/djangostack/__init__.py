"""What the Django example stacks (django-session, dj-rest-auth, allauth-headless) share:
`settings` (the base every stack's settings start from) and `hooks` (the test-support
endpoints). `profiles/lib/django.sh` puts `profiles/lib` on PYTHONPATH for them.
"""
