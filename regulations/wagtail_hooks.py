from wagtail import hooks

from regulations.viewsets import intervenant_request_viewset


@hooks.register("register_admin_viewset")
def register_intervenant_request_viewset():
    return intervenant_request_viewset
