from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def index(request):
    return render(request, "not_built.html", {"part": request.resolver_match.app_name})
