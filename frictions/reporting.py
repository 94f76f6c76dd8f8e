"""Error reports that keep the anonymous channel anonymous.

When something fails while a friction report is filed or followed (browser or API), Django's
error report (the e-mail to ADMINS, the debug page) would carry the signed-in user, their
address and browser, the posted form and every local variable, the reporter among them. For
those addresses this reporter leaves all of that out; the traceback itself stays.
"""

from django.views.debug import ExceptionReporter

HIDDEN = "[hidden: the friction channel can be anonymous]"
SENSITIVE_PREFIXES = ("/frictions/", "/api/frictions/")


class AnonymitySafeExceptionReporter(ExceptionReporter):
    def get_traceback_data(self):
        data = super().get_traceback_data()
        request = self.request
        if request is None or not request.path.startswith(SENSITIVE_PREFIXES):
            return data
        data["user_str"] = HIDDEN
        data["request_meta"] = {}
        data["request_COOKIES_items"] = []
        data["filtered_POST_items"] = []
        data["request_GET_items"] = []
        data["request_FILES_items"] = []
        data["request"] = None  # the templates print method, path and headers from it
        for frame in data.get("frames", []):
            frame["vars"] = []
        return data
