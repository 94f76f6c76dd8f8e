"""What gunicorn's access log keeps of each request (`"%(r)s" %(s)s`: method, full path with
its query string, status), recorded by a middleware the anonymity tests put first."""

LINES: list[str] = []


class AccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        LINES.append(f"{request.method} {request.get_full_path()} {response.status_code}")
        return response
