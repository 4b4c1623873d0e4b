from django.db.models import Prefetch
from django.shortcuts import render

from bruecken.places.models import Municipality, Partnership


def home(request):
    municipalities = Municipality.objects.prefetch_related(
        Prefetch("partnerships", queryset=Partnership.objects.select_related("country"))
    )
    return render(request, "home.html", {"municipalities": municipalities})
