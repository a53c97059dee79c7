class DomainError(Exception):
    """A business rule refused an action; `message` is translated and safe to show the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
