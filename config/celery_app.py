"""The Celery app. Broker and result backend come from settings (see config/settings/base.py)."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("proximity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def create_filesystem_broker_folders(sender: Celery, **kwargs) -> None:
    """The filesystem transport expects its folders to exist; make them on first use."""
    folders = [
        sender.conf.broker_transport_options.get(key)
        for key in ("data_folder_in", "data_folder_out", "control_folder")
    ]
    backend = str(sender.conf.result_backend or "")
    if backend.startswith("file://"):
        folders.append(backend.removeprefix("file://"))
    for folder in filter(None, folders):
        Path(folder).mkdir(parents=True, exist_ok=True)
