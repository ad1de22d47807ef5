"""Home-page panels of this part of the portal (see intro_sodertorn.home)."""


def panels(request):
    return []
