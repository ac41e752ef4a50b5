"""The project's URLs plus /bench/floor/, a view that does nothing: the physical limit of
gunicorn + Django middleware on this machine, against which every page is compared."""

from django.http import HttpResponse
from django.urls import path

from imagin_site.urls import urlpatterns as site_urlpatterns


def floor(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *site_urlpatterns]
