"""What an error report (the e-mail to ADMINS about a 500) may carry: nothing a visitor typed or holds.

Django's own filter hides settings and POST fields it is told are sensitive. The portal's forms carry
personal data everywhere (contacts, reports), its search forms put what was typed in the query string,
and cookies are credentials, so the report leaves out every POST value, every query-string value,
uploaded file names and every cookie, and gives the address without its query string. The path, the
method, the user's id and the traceback are enough to find the fault.
"""

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

# Request headers that repeat the query string, a cookie or the previous page's address.
PRIVATE_META = {"QUERY_STRING", "HTTP_COOKIE", "HTTP_REFERER", "REQUEST_URI", "RAW_URI", "HTTP_AUTHORIZATION"}


class PrivateExceptionReporterFilter(SafeExceptionReporterFilter):
    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_safe_cookies(self, request):
        return dict.fromkeys(getattr(request, "COOKIES", {}), self.cleansed_substitute)

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        return {key: self.cleansed_substitute if key in PRIVATE_META else value for key, value in meta.items()}


class PrivateExceptionReporter(ExceptionReporter):
    """The reporter of the mail_admins log handler (settings.LOGGING); the debug page keeps Django's own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filter = PrivateExceptionReporterFilter()

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.request is not None:
            substitute = self.filter.cleansed_substitute
            data["request_GET_items"] = [(key, substitute) for key in self.request.GET]
            data["request_FILES_items"] = [(key, substitute) for key in self.request.FILES]
            data["request_insecure_uri"] = f"{self.request.scheme}://{self._host()}{self.request.path}"
        return data

    def _host(self):
        try:
            return self.request.get_host()
        except Exception:
            return "(host not allowed)"
