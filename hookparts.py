"""Real CPU per Flask hook/stage. usage: hookparts.py USER URL N"""
import os, sys, time, collections
os.environ.setdefault("DATABASE_URL", "postgresql+psycopg://kaoping:kaoping@127.0.0.1:5432/bench_province")
os.environ["KAOPING_TODAY"] = "2027-01-05"
from webapp import create_app
from webapp.core.extensions import login_manager
from bench.pages import FlaskBackend, Accounts, Page
import flask, flask.templating as ft
app = create_app({"TEMPLATES_AUTO_RELOAD": False})
user, url, N = sys.argv[1], sys.argv[2], int(sys.argv[3])
acc = collections.defaultdict(float)
def W(name, f):
    def w(*a, **k):
        t = time.process_time()
        try: return f(*a, **k)
        finally: acc[name] += time.process_time() - t
    w.__name__ = getattr(f, "__name__", name)
    return w
for key, funcs in app.before_request_funcs.items():
    app.before_request_funcs[key] = [W(f"before:{key}:{f.__module__}.{f.__name__}", f) for f in funcs]
for key, funcs in app.after_request_funcs.items():
    app.after_request_funcs[key] = [W(f"after:{key}:{f.__module__}.{f.__name__}", f) for f in funcs]
for key, funcs in app.template_context_processors.items():
    app.template_context_processors[key] = [W(f"ctx:{key}:{f.__module__}.{f.__name__}", f) for f in funcs]
for key, funcs in app.teardown_request_funcs.items():
    app.teardown_request_funcs[key] = [W(f"tdreq:{f.__module__}.{f.__name__}", f) for f in funcs]
app.teardown_appcontext_funcs[:] = [W(f"tdapp:{f.__module__}.{f.__name__}", f) for f in app.teardown_appcontext_funcs]
for ep, f in list(app.view_functions.items()):
    app.view_functions[ep] = W("VIEW " + ep, f)
si = app.session_interface
si.open_session = W("session.open", si.open_session); si.save_session = W("session.save", si.save_session)
login_manager._user_callback = W("load_user", login_manager._user_callback)
ft._render = W("template._render", ft._render)
app.wsgi_app = W("WSGI total", app.wsgi_app)
be = FlaskBackend(app); a = Accounts(be)
h = dict(a.headers(Page("x", "/", user, "session" if not url.startswith("/api") else "bearer")))
for i in range(30): be.request("GET", url, h)
acc.clear()
t = time.process_time()
for i in range(N): be.request("GET", url, h)
print(f"total incl. test client {(time.process_time()-t)*1000/N:.3f} ms")
for k, v in sorted(acc.items(), key=lambda x: -x[1]):
    if v*1000/N > 0.005: print(f"  {v*1000/N:6.3f}  {k}")
