from django.urls import path

from . import notice_views

app_name = "notices"
urlpatterns = [
    path("", notice_views.notice_list, name="list"),
    path("read-all/", notice_views.notice_read_all, name="read-all"),
    path("<int:pk>/read/", notice_views.notice_read, name="read"),
]
