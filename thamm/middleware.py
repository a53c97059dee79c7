class ContentSecurityPolicyMiddleware:
    """Send a strict Content-Security-Policy: no inline script, nothing from other origins.

    Everything the pages use (Bootstrap, fonts, scripts) is served by the portal itself. `data:`
    images are allowed for the TOTP QR code that allauth renders inline.
    """

    POLICY = "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.POLICY)
        return response
