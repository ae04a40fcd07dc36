"""templates/_diagram.html: Mermaid text in, escaped <pre class="mermaid"> and local scripts out."""

from pathlib import Path

from flask import render_template_string
from jinja2 import Environment, FileSystemLoader

from webapp import create_app

ROOT = Path(__file__).resolve().parents[3]
SOURCE = """stateDiagram-v2
    [*] --> APPLIED
    APPLIED --> PLANNED: plan issued
    PLANNED --> REVIEW
    classDef current fill:#fde68a,stroke:#b45309
    class PLANNED current
"""
CALL = '{% from "_diagram.html" import procedure_diagram %}{{ procedure_diagram(diagram) }}'


def render_plain(template: str, **context) -> str:
    env = Environment(loader=FileSystemLoader(ROOT / "templates"), autoescape=True)
    env.globals["url_for"] = lambda endpoint, filename: f"/{endpoint}/{filename}"
    return env.from_string(template).render(**context)


def test_macro_renders_the_source_escaped_in_a_mermaid_block():
    html = render_plain(CALL, diagram=SOURCE)
    assert '<pre class="mermaid">' in html
    assert "[*] --&gt; APPLIED" in html  # Mermaid decodes entities itself
    assert "class PLANNED current" in html
    assert "当前状态已高亮" in html


def test_macro_accepts_any_flowchart_and_never_lets_markup_through():
    html = render_plain(CALL, diagram='flowchart LR\n  A["<script>alert(1)</script>"] --> B')
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_macro_loads_the_vendored_mermaid_and_the_strict_initialiser_once():
    html = render_plain(
        '{% from "_diagram.html" import procedure_diagram %}'
        "{{ procedure_diagram(a) }}{{ procedure_diagram(b, caption='复查流程', load_script=false) }}",
        a="flowchart LR\n A-->B",
        b="flowchart LR\n C-->D",
    )
    assert html.count('src="/static/vendor/mermaid/mermaid.min.js"') == 1
    assert html.count('src="/static/vendor/mermaid/kaoping-mermaid-init.js"') == 1
    assert html.count('<pre class="mermaid">') == 2
    assert "复查流程" in html
    assert "cdn" not in html.lower()


def test_vendored_files_are_served_by_the_flask_app_and_initialise_strictly():
    app = create_app({"TESTING": True})
    with app.test_request_context():
        html = render_template_string(CALL, diagram=SOURCE)
    client = app.test_client()
    for src in ("/static/vendor/mermaid/mermaid.min.js", "/static/vendor/mermaid/kaoping-mermaid-init.js"):
        assert f'src="{src}"' in html
        response = client.get(src)
        assert response.status_code == 200
        response.close()
    init = (ROOT / "webapp/static/vendor/mermaid/kaoping-mermaid-init.js").read_text()
    assert 'securityLevel: "strict"' in init
    assert (ROOT / "webapp/static/vendor/mermaid/LICENSE").read_text().startswith("The MIT License")
