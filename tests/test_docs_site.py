"""The single-file docs site (`dbt docs generate --static`) works in a real browser, offline.

Headless Chromium opens `static_index.html` from disk and is driven over the Chrome DevTools
Protocol through `--remote-debugging-pipe` (JSON messages on file descriptors 3 and 4,
each ended by a NUL byte), so no Python package and no debugging port are needed. One
browser session (module fixture) loads the page, opens the lineage graph of
doc_customer_profiles, takes screenshots and records what it saw; the tests below judge
it. Requests are seen twice: as the page's DevTools Network events, and in Chromium's net
log (`--log-net-log`), which also covers workers and the browser's own traffic.

Fails, never skips, when Chromium is missing: `make test-deps` installs Debian's `chromium`.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import ipaddress
import json
import os
import shutil
import signal
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.gold_models import GOLD_MODELS

MODEL = "model.aethermart.doc_customer_profiles"
EXPOSURE = "exposure.aethermart.mongodb_doc_customer_profiles"
SCREENSHOT_COPY = Path("/tmp/docs_screenshot.png")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--no-pings",
    "--disable-features=NetworkTimeServiceQuerying",
    # Nothing resolves but localhost: a request to the outside is still seen (and fails the
    # test), but never leaves the machine.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
    "--window-size=1600,1000",
    "--hide-scrollbars",
]
LOCAL_SCHEMES = {"file", "data", "blob", "about"}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("chromium is not installed (Debian package `chromium`): run `make test-deps`")
    return path


def _high_fd(fd: int) -> int:
    """The pipe end moved to a descriptor >= 10 (close-on-exec), clear of the 3 and 4 it is
    duplicated onto in the browser."""
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


class DevTools:
    """A headless Chromium and its DevTools Protocol connection over a pipe."""

    def __init__(self, chromium: str, workdir: Path):
        self.stderr_path = workdir / "chromium.stderr"
        self.netlog_path = workdir / "netlog.json"
        to_chrome, self._to_chrome = (_high_fd(fd) for fd in os.pipe())
        self._from_chrome, from_chrome = (_high_fd(fd) for fd in os.pipe())
        args = [
            *FLAGS,
            f"--user-data-dir={workdir / 'profile'}",
            f"--log-net-log={self.netlog_path}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        # posix_spawn: the child gets the pipe as its fds 3 and 4 (a preexec_fn is unsafe
        # with threads, and dash cannot redirect descriptors above 9).
        self.pid = os.posix_spawn(
            chromium,
            [chromium, *args],
            os.environ,
            setsid=True,
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                (os.POSIX_SPAWN_OPEN, 2, str(self.stderr_path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
                (os.POSIX_SPAWN_DUP2, to_chrome, 3),
                (os.POSIX_SPAWN_DUP2, from_chrome, 4),
            ],
        )
        os.close(to_chrome)
        os.close(from_chrome)
        self.events: list[dict] = []
        self._responses: dict[int, dict] = {}
        self._next_id = 0
        self._closed = False
        self._cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        buffer = b""
        while chunk := os.read(self._from_chrome, 1 << 20):
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            with self._cond:
                for raw in messages:
                    message = json.loads(raw)
                    if "id" in message:
                        self._responses[message["id"]] = message
                    else:
                        self.events.append(message)
                self._cond.notify_all()
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def _stderr_tail(self) -> str:
        return self.stderr_path.read_text(errors="replace")[-2000:]

    def send(
        self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30
    ) -> dict:
        with self._cond:
            self._next_id += 1
            message_id = self._next_id
        message = {"id": message_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        try:
            os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        except BrokenPipeError:
            raise AssertionError(f"chromium exited:\n{self._stderr_tail()}") from None
        deadline = time.monotonic() + timeout
        with self._cond:
            while message_id not in self._responses:
                if self._closed:
                    raise AssertionError(f"chromium exited during {method}:\n{self._stderr_tail()}")
                if not self._cond.wait(max(0.0, deadline - time.monotonic())):
                    raise AssertionError(f"chromium did not answer {method} within {timeout} s")
            response = self._responses.pop(message_id)
        if "error" in response:
            raise AssertionError(f"{method} failed: {response['error']}")
        return response["result"]

    def wait_for_event(self, method: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not any(event["method"] == method for event in self.events):
                if self._closed or not self._cond.wait(max(0.0, deadline - time.monotonic())):
                    raise AssertionError(f"no {method} within {timeout} s")
            return next(event for event in self.events if event["method"] == method)

    def evaluate(self, expression: str, session: str, timeout: float = 30):
        result = self.send(
            "Runtime.evaluate",
            {
                "expression": expression,
                "returnByValue": True,
                "awaitPromise": True,
                "timeout": timeout * 1000,
            },
            session=session,
            timeout=timeout + 5,
        )
        if "exceptionDetails" in result:
            raise AssertionError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def _wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if os.waitpid(self.pid, os.WNOHANG) != (0, 0):
                return True
            time.sleep(0.1)
        return False

    def close(self) -> None:
        """Close the browser (which also finishes the net log); kill its process group if it hangs."""
        with contextlib.suppress(AssertionError):
            self.send("Browser.close", timeout=10)
        if not self._wait(15):
            os.killpg(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self._to_chrome)


# Runs in the page: waits for the AngularJS app to have loaded the project, then reports
# the project's nodes and the model tree in the sidebar.
_PROJECT_JS = r"""
(async () => {
  const injector = () => window.angular && angular.element(document.documentElement).injector();
  for (let i = 0; i < 300; i++) {
    const inj = injector();
    const loaded = inj && inj.get('project').project && inj.get('project').project.nodes;
    const tree = Array.from(document.querySelectorAll("a[ng-click='activate(item)']"));
    // a long name is drawn as two spans (middle ellipsis): compare without white space
    const name = a => a.textContent.replace(/\s+/g, '');
    if (loaded && tree.some(a => name(a) === 'doc_customer_profiles')) {
      const project = inj.get('project').project;
      return {
        nodes: Object.keys(project.nodes),
        tree: tree.map(a => ({name: name(a), active: a.classList.contains('active')})),
        title: (document.querySelector('.app-title, h1') || {}).textContent || '',
        hash: location.hash,
      };
    }
    await new Promise(r => setTimeout(r, 100));
  }
  return null;
})()
"""

# Opens the lineage graph of the current model (the launcher button; `expand` = the
# full-screen view) and returns the graph as the page's graph service holds it (the
# elements cytoscape draws).
_GRAPH_JS = """
(async (expand) => {
  const graph = angular.element(document.documentElement).injector().get('graph');
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const button = expand ? "a[ng-click='showExpanded()']" : "a[ng-click='onLauncherClick()']";
  document.querySelector(button).click();
  for (let i = 0; i < 300 && !(graph.graph.elements || []).length; i++) await sleep(100);
  for (let i = 0; i < 300 && !document.querySelector('canvas'); i++) await sleep(100);
  await sleep(1500);  // layout and fit animation
  return {
    selected: graph.selected_node,
    nodes: graph.graph.elements.filter(e => e.group === 'nodes')
      .map(e => ({id: e.data.unique_id || e.data.id, hidden: !!e.data.hidden, label: e.data.label})),
    edges: graph.graph.elements.filter(e => e.group === 'edges')
      .map(e => ({source: e.data.source, target: e.data.target, hidden: !!e.data.hidden})),
    canvases: document.querySelectorAll('canvas').length,
  };
})(%s)
"""


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS


def _outside_traffic(netlog: Path) -> list[str]:
    """From Chromium's net log (which sees every process, workers included): URL requests
    that web content (the page, its workers) made to a non-local host, and anything sent to
    a non-loopback address.

    Chromium's own background requests (update check, account list; initiator "not an
    origin") are not the page's and, with every host unresolvable, never leave the machine;
    the socket check below would catch them if they did. A UDP socket connected without
    sending (the IPv6 reachability probe) is not traffic.
    """
    log = json.loads(netlog.read_text())
    names = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    found: list[str] = []
    peers: dict[int, str] = {}
    sent: set[int] = set()
    for event in log["events"]:
        kind = names.get(event["type"], "")
        params = event.get("params") or {}
        if (
            kind == "URL_REQUEST_START_JOB"
            and "url" in params
            and not _is_local(params["url"])
            and params.get("initiator") != "not an origin"
        ):
            found.append(f"request {params['url']} (initiator {params.get('initiator')})")
        if kind in ("UDP_CONNECT", "SOCKET_CONNECT", "TCP_CONNECT_ATTEMPT") and params.get("address"):
            peers[event["source"]["id"]] = params["address"]
            if kind == "TCP_CONNECT_ATTEMPT":
                sent.add(event["source"]["id"])
        if kind in ("UDP_BYTES_SENT", "SOCKET_BYTES_SENT"):
            sent.add(event["source"]["id"])

    def outside(address: str) -> bool:
        host = address.rsplit(":", 1)[0].strip("[]")
        try:
            return not ipaddress.ip_address(host).is_loopback
        except ValueError:
            return True

    found += sorted({f"traffic to {a}" for source, a in peers.items() if source in sent and outside(a)})
    return found


@pytest.fixture(scope="module")
def docs_session(built_001, tmp_path_factory) -> dict:
    """Build the static docs, open them in headless Chromium and record what the page did."""
    chromium = _chromium()
    built_001.dbt("docs", "generate", "--static")
    site = built_001.target / "static_index.html"
    assert site.is_file(), f"dbt docs generate --static wrote no {site}"
    workdir = tmp_path_factory.mktemp("docs_site")
    browser = DevTools(chromium, workdir)
    try:
        page = next(t for t in browser.send("Target.getTargets")["targetInfos"] if t["type"] == "page")
        session = browser.send("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True})[
            "sessionId"
        ]
        for method in ("Network.enable", "Page.enable", "Runtime.enable"):
            browser.send(method, session=session)
        url = f"{site.as_uri()}#!/model/{MODEL}"
        navigation = browser.send("Page.navigate", {"url": url}, session=session)
        assert not navigation.get("errorText"), f"cannot open {url}: {navigation}"
        browser.wait_for_event("Page.loadEventFired")
        project = browser.evaluate(_PROJECT_JS, session)
        graphs, screenshots = {}, {}
        # the model page with its graph panel (readable labels), then the full-screen graph
        for view, expand in (("panel", "false"), ("expanded", "true")):
            graphs[view] = browser.evaluate(_GRAPH_JS % expand, session) if project else None
            shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
            screenshots[view] = workdir / f"docs_doc_customer_profiles_graph_{view}.png"
            screenshots[view].write_bytes(base64.b64decode(shot["data"]))
    finally:
        browser.close()
    shutil.copyfile(screenshots["panel"], SCREENSHOT_COPY)
    requests = [
        e["params"]["request"]["url"] for e in browser.events if e["method"] == "Network.requestWillBeSent"
    ]
    requests += [e["params"]["url"] for e in browser.events if e["method"] == "Network.webSocketCreated"]
    return {
        "site": site,
        "project": project,
        "graphs": graphs,
        "requests": requests,
        "screenshots": screenshots,
        "netlog": browser.netlog_path,
    }


def test_docs_site_lists_the_projects_models(docs_session):
    project = docs_session["project"]
    assert project, "the docs page never showed doc_customer_profiles in its model tree"
    missing = [m for m in sorted(GOLD_MODELS) if f"model.aethermart.{m}" not in project["nodes"]]
    assert not missing, f"the page's project lacks {missing}"
    assert EXPOSURE in project["nodes"], f"the page's project lacks {EXPOSURE}"
    # the project, database and group trees each highlight the open model
    active = {item["name"] for item in project["tree"] if item["active"]}
    assert active and all(name.startswith("doc_customer_profiles") for name in active), (
        f"the model tree highlights {active}, not doc_customer_profiles"
    )


@pytest.mark.parametrize("view", ["panel", "expanded"])
def test_lineage_graph_shows_the_exposure_downstream(docs_session, view):
    graph = docs_session["graphs"][view]
    assert graph, f"the lineage graph ({view}) did not open"
    assert graph["canvases"], "the lineage graph drew no canvas"
    shown = {node["id"] for node in graph["nodes"] if not node["hidden"]}
    assert MODEL in shown, f"{MODEL} is not in its own lineage graph"
    assert EXPOSURE in shown, f"{EXPOSURE} is not in the lineage graph of {MODEL}: {sorted(shown)}"
    assert {"source": MODEL, "target": EXPOSURE, "hidden": False} in graph["edges"], (
        f"no edge {MODEL} -> {EXPOSURE} in the lineage graph"
    )
    assert "exposure.aethermart.parquet_doc_customer_profiles" in shown
    assert "model.aethermart.agg_customer_value" in shown, "the graph lost the model's upstream"


def test_docs_site_makes_no_outside_request(docs_session):
    requests = docs_session["requests"]
    assert any(url.startswith("file:") and "static_index.html" in url for url in requests), (
        "the page's own load was not recorded; the request capture is broken"
    )
    outside = [url for url in requests if not _is_local(url)]
    assert not outside, f"the docs page requested outside resources: {outside}"
    leaks = _outside_traffic(docs_session["netlog"])
    assert not leaks, f"the net log shows traffic to the outside: {leaks}"


def test_docs_site_screenshots_are_saved(docs_session):
    for view, path in docs_session["screenshots"].items():
        png = path.read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 20_000, f"the {view} screenshot is empty"
    assert SCREENSHOT_COPY.read_bytes() == docs_session["screenshots"]["panel"].read_bytes()
