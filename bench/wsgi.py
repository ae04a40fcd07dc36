"""The WSGI app gunicorn serves in `make bench`: the settings come from the environment the runner sets
(DATABASE_URL, KAOPING_TODAY, KAOPING_SQL_COUNT); templates are not re-read from disk on every render."""

import os

from webapp import create_app

app = create_app(
    {
        "TEMPLATES_AUTO_RELOAD": False,
        **(
            {"UPLOAD_FOLDER": os.environ["BENCH_UPLOAD_FOLDER"]}
            if os.environ.get("BENCH_UPLOAD_FOLDER")
            else {}
        ),
    }
)
