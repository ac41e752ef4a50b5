from django.urls import path

from missions.portal import auth_views, dossier_views, mission_views

app_name = "portal"

urlpatterns = [
    path("", mission_views.MissionListView.as_view(), name="missions"),
    path("connexion/", auth_views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("mot-de-passe/oublie/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("missions/<int:pk>/", mission_views.MissionDetailView.as_view(), name="mission"),
    path(
        "missions/<int:pk>/lignes/<slug:kind>/ajouter/",
        mission_views.AddLineView.as_view(),
        name="add_line",
    ),
    path(
        "missions/<int:pk>/lignes/<slug:kind>/<int:line_pk>/supprimer/",
        mission_views.DeleteLineView.as_view(),
        name="delete_line",
    ),
    path("missions/<int:pk>/valider/", mission_views.SubmitView.as_view(), name="submit"),
    path(
        "missions/<int:pk>/recapitulatif.pdf",
        mission_views.RecapPdfView.as_view(),
        name="recap_pdf",
    ),
    path(
        "justificatifs/<slug:kind>/<int:line_pk>/",
        mission_views.ReceiptView.as_view(),
        name="receipt",
    ),
    path("dossier/", dossier_views.DossierView.as_view(), name="dossier"),
    path(
        "dossier/pieces/<slug:document>/",
        dossier_views.DossierDocumentView.as_view(),
        name="dossier_document",
    ),
]
