"""The browser page of ``cio-sim app``: controls, Mesa's step/play/reset, and live views.

Stepping uses Mesa's SolaraViz controller (``ModelController``) and its update counter, so
step, play and reset behave as in any Mesa visualisation. The page around it is Solara:
SolaraViz's parameter panel cannot show units and provenance, does not re-run the model when
a value changes, and lays views out in a fixed half-width grid.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import pandas as pd
import reacton.ipywidgets as rw
import solara
from mesa.visualization.solara_viz import ModelController
from mesa.visualization.utils import force_update, update_counter

from ..scenario import Scenario, ScenarioError, bundled_names, load_scenario
from . import adapter, figures, saving, values
from .controls import Control, all_controls, control, fmt
from .session import Exploration, Settings, replicate, scenario_a, scenario_b

TITLE = "cio-sim: explore the CIO-stelsel week by week"
VIEWS = ("Forums and flow", "Compliance, agenda, attendance", "Proposals", "Parameters")

@functools.cache
def _base(name: str) -> Scenario:
    """A scenario as loaded from its file (files do not change while the page is served)."""
    return load_scenario(name)


def initial_settings() -> Settings:
    """Settings from the command line (passed by ``cio-sim app`` in the environment)."""
    return Settings(scenario=os.environ.get("CIO_SIM_APP_SCENARIO", "consensus_2021"),
                    seed=int(os.environ.get("CIO_SIM_APP_SEED", "1")),
                    compare=os.environ.get("CIO_SIM_APP_COMPARE") or None)


TABLE_STYLE = ("<style>.cio-table{border-collapse:collapse;font-size:0.85rem}"
               ".cio-table th,.cio-table td{border-bottom:1px solid #ddd;padding:3px 8px;"
               "text-align:left}.cio-table th{background:#f3f3f3}</style>")


@solara.component
def Table(df: pd.DataFrame, classes: list[str] | None = None) -> None:
    """A plain HTML table (escaped); Solara's Markdown would pull mermaid and KaTeX in."""
    html = df.to_html(index=False, escape=True, classes="cio-table", border=0, na_rep="")
    solara.HTML(tag="div", unsafe_innerHTML=TABLE_STYLE + html, classes=classes or [])


@solara.component
def Note(text: str, bold: bool = False) -> None:
    solara.Text(text, style={"font-size": "0.95rem", "font-weight": "600" if bold else "400",
                             "margin": "6px 0"})


# ---------------------------------------------------------------------------- views

@solara.component
def Figure(fig: Any) -> Any:
    """A chart, drawn once per render (as solara.FigureMatplotlib does), sent as SVG."""
    return rw.Image(value=figures.image(fig), format=figures.IMAGE_MIME)


@solara.component
def ForumView(exploration: Exploration) -> None:
    update_counter.get()
    with solara.Columns([1] * len(exploration.runs), classes=["view-forums"]):
        for run, colour in zip(exploration.runs, figures.RUN_COLOURS, strict=False):
            Figure(figures.forum_diagram(adapter.queues(run.model), run.label, colour,
                                         week=adapter.week(run.model)))


@solara.component
def FlowView(exploration: Exploration) -> None:
    update_counter.get()
    m = exploration.runs[0].model
    runs = [(r.label, adapter.series(r.model)) for r in exploration.runs]
    with solara.Column(classes=["view-flow"]):
        Figure(figures.flow(runs, adapter.start_year(m), exploration.horizon))
    if exploration.paired:
        with solara.Column(classes=["view-paired"]):
            Figure(figures.paired_difference(runs[0][1], runs[1][1], adapter.start_year(m),
                                             exploration.horizon))


@solara.component
def HeadlineView(exploration: Exploration) -> None:
    update_counter.get()
    Note(f"Headline figures at week {exploration.week}", bold=True)
    seed = exploration.settings.seed
    solara.Text(" · ".join(r.label for r in exploration.runs)
                + (f". One seed ({seed}): B − A is the paired difference of this one pair of "
                   "runs, not an average; 'better' says which run does better on that figure "
                   "here. Run replications below for the difference with its interval."
                   if exploration.paired else ". 'better' says which direction is better."),
                classes=["headline-legend"], style={"font-size": "0.8rem"})
    Table(adapter.headline_table([r.model for r in exploration.runs]),
          classes=["headline-table"])
    if exploration.paired:
        ReplicationView(exploration.settings)


@solara.component
def ReplicationView(settings: Settings) -> None:
    """B − A over N replications of both runs (the batch runner, common random numbers)."""
    n = solara.use_reactive(30)

    count = values.count_or_none(n.value, *values.REPLICATIONS)  # None: a bad value

    def work():
        checked = values.whole_number("replications", n.value, *values.REPLICATIONS)
        return settings, checked, adapter.paired_replications(replicate(settings, checked))

    task = solara.lab.use_task(work, dependencies=None)
    with solara.Card(classes=["replications"]), solara.Column(gap="4px"):
        with solara.Row():
            solara.InputInt("replications", value=n, classes=["replication-count"])
            solara.Button(f"run {count or '?'} replications of A and B", on_click=task,
                          disabled=task.pending or count is None,
                          classes=["run-replications"])
        if count is None:
            solara.Error("replications: a whole number from {} to {}".format(
                *values.REPLICATIONS))
        if task.pending:
            solara.Text(f"running {count} replications of A and B to week "
                        f"{scenario_a(settings).get('horizon_weeks')} ...")
        elif task.error:
            solara.Error(f"replications failed: {task.exception}")
        elif task.finished and task.value is not None:
            was, count, table = task.value
            stale = " (the settings have changed since: run again)" if was != settings else ""
            Note(f"B − A over {count} replications (seed {settings.seed}: replication 1 is "
                 f"the pair above), each to the end of its run, with 95% intervals{stale}",
                 bold=True)
            Table(table, classes=["replication-table"])


@solara.component
def SaveScenario(settings: Settings) -> None:
    """Write run A's (and, side by side, run B's) values as scenario files."""
    name = solara.use_reactive(f"{settings.scenario}_changed")
    message, set_message = solara.use_state(("", False))

    def save() -> None:
        folder = Path.cwd()
        runs = [("A", scenario_a(settings), name.value)]
        if settings.compare:
            runs.append(("B", scenario_b(settings), f"{name.value}_B"))
        try:
            written = [(run, saving.save(sc, settings.scenario, file_name,
                                         f"saved from cio-sim app: run {run} of "
                                         f"{settings.scenario}" + (
                                             f" with the regime of {settings.compare}"
                                             if run == "B" else ""), folder))
                       for run, sc, file_name in runs]
        except (ValueError, TypeError, OSError) as exc:  # TypeError: a crafted name
            set_message((str(exc), True))
            return
        set_message((" ".join(f"Run {run} saved as {path}; `cio-sim run {path} --seed "
                              f"{settings.seed}` reproduces it (its replication 1)."
                              for run, path in written), False))

    with solara.Column(gap="2px", classes=["save-scenario"]):
        solara.InputText("save as (file name, in " + str(Path.cwd()) + ")", value=name)
        solara.Button("save scenario", on_click=save, outlined=True, classes=["save-button"])
        text, bad = message
        if text and bad:
            solara.Error(text)
        elif text:
            solara.Success(text, classes=["save-message"])


@solara.component
def ComplianceView(exploration: Exploration) -> None:
    update_counter.get()
    m = exploration.runs[0].model
    runs = [(r.label, adapter.series(r.model)) for r in exploration.runs]
    Figure(figures.compliance(runs, adapter.start_year(m), exploration.horizon))
    solara.Text("Compliance counts kaders whose implementation deadline has passed; "
                "before the first deadline there is nothing to show.",
                style={"font-size": "0.8rem", "color": "#555"})


@solara.component
def AgendaView(exploration: Exploration) -> None:
    update_counter.get()
    m = exploration.runs[0].model
    Figure(figures.agenda([(r.label, adapter.agenda(r.model)) for r in exploration.runs],
                          adapter.start_year(m)))


@solara.component
def AttendanceView(exploration: Exploration) -> None:
    update_counter.get()
    Figure(figures.attendance([(r.label, adapter.attendance(r.model))
                               for r in exploration.runs]))


PROPOSAL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "id"), ("origin", "origin"), ("domain", "domain"), ("quadrant", "quadrant"),
    ("state", "state now"), ("forum", "decided in"), ("submitted_step", "submitted [week]"),
    ("decided_step", "decided [week]"), ("agenda_appearances", "on agenda [times]"),
    ("reworks", "reworks"), ("ambition", "ambition left"),
)
ROWS_PER_PAGE = 12


def _cell_text(key: str, value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if key == "forum":
        return adapter.FORUM_LABELS.get(value, value)
    if key == "state":
        return adapter.STATE_LABELS.get(value, value)
    if key == "ambition":
        return f"{float(value):.2f}"
    return str(value)


@solara.component
def ProposalRow(rec: dict, on_pick: Any, selected: bool) -> Any:
    cells = [solara.v.Html(tag="td", children=[_cell_text(k, rec[k])])
             for k, _ in PROPOSAL_COLUMNS]
    row = solara.v.Html(tag="tr", children=cells, class_="proposal-row",
                        style_="cursor:pointer;" + ("background:#e3ecf7;" if selected else ""))
    solara.v.use_event(row, "click", lambda *_: on_pick(int(rec["id"])))
    return row


@solara.component
def ProposalView(exploration: Exploration) -> None:
    update_counter.get()
    run_index, set_run_index = solara.use_state(0)
    selected, set_selected = solara.use_state(None)
    page_no, set_page_no = solara.use_state(0)
    run = exploration.runs[min(run_index, len(exploration.runs) - 1)]
    if exploration.paired:
        labels = [r.label for r in exploration.runs]

        def pick(index: Any) -> bool:
            try:
                set_run_index(values.choice_index("run", index, labels))
            except values.BadValue:
                return False   # the buttons show the run in view again
            return True

        Toggle(run.label, labels, pick)
    df = adapter.proposals(run.model).iloc[::-1]
    pages = max(1, -(-len(df) // ROWS_PER_PAGE))
    page_no = min(page_no, pages - 1)
    shown = df.iloc[page_no * ROWS_PER_PAGE:(page_no + 1) * ROWS_PER_PAGE]
    Note(f"{len(df)} proposals so far, newest first. Click a row to see its path through "
         "the forums.", bold=True)
    head = solara.v.Html(tag="thead", children=[solara.v.Html(tag="tr", children=[
        solara.v.Html(tag="th", children=[label]) for _, label in PROPOSAL_COLUMNS])])
    body = solara.v.Html(tag="tbody", children=[
        ProposalRow(rec, set_selected, rec["id"] == selected)
        for rec in shown.to_dict("records")])
    solara.HTML(tag="div", unsafe_innerHTML=TABLE_STYLE)
    solara.v.Html(tag="table", children=[head, body], class_="cio-table proposal-table")
    with solara.Row():
        solara.Button("newer", text=True, disabled=page_no == 0,
                      on_click=lambda: set_page_no(page_no - 1))
        solara.Text(f"page {page_no + 1} of {pages}")
        solara.Button("older", text=True, disabled=page_no >= pages - 1,
                      on_click=lambda: set_page_no(page_no + 1))
    if selected is not None:
        hist = adapter.history(run.model, selected)
        with solara.Card(f"Proposal {selected}: its path through the forums ({run.label})",
                         classes=["proposal-history"]):
            if hist.empty:
                solara.Text(f"No proposal {selected} (yet) in this run.")
            else:
                Table(hist)


@solara.component
def ParameterView(exploration: Exploration) -> None:
    for run in exploration.runs:
        table = run.scenario.parameter_table()
        changed = table[table["set_by"] != "default"][
            ["key", "value", "unit", "set_by", "provenance"]]
        Note(f"{run.label}: {len(changed)} value(s) differ from the schema defaults",
             bold=True)
        Table(changed.astype(str))


# ---------------------------------------------------------------------------- controls

def use_redraw_on_refusal(on_value: Any) -> tuple[Any, str]:
    """A widget's ``on_v_model`` that hands the page's value to ``on_value`` as it arrives,
    and the key to give the widget: ``on_value`` returns False when it refused the value
    (with a message on the page), and the widget is then drawn anew at the value in use. A
    widget left holding a refused value shows it (a select an empty box), or, a slider given
    null or 10**30, puts itself at its end and sends that as a change of its own."""
    refused, set_refused = solara.use_state(0)

    def take(raw: Any) -> None:
        if on_value(raw) is False:
            set_refused(lambda n: n + 1)

    return take, f"refused-{refused}"


@solara.component
def Slider(value: float, low: float, high: float, step: float, on_value: Any) -> Any:
    """A slider whose value goes to the page's check (:mod:`.values`) as it arrives. Solara's
    SliderInt and SliderFloat convert it first, with ``int()`` and ``float()``, outside any
    check: a crafted NaN, Infinity, string or null for a slider raised there, and the page
    was replaced by the server's traceback, file paths included."""
    take, key = use_redraw_on_refusal(on_value)
    return solara.v.Slider(v_model=value, on_v_model=take, label="", min=low, max=high,
                           step=step, thumb_label=True, dense=False,
                           hide_details=True).key(key)


@solara.component
def Choice(label: str, value: Any, choices: list, on_value: Any, dense: bool = False) -> Any:
    """A select whose value goes to the page's check as it arrives, and that shows the value
    in use again after a refused one (Solara's Select keeps what it was sent)."""
    take, key = use_redraw_on_refusal(on_value)
    return solara.v.Select(v_model=value, on_v_model=take, items=choices, label=label,
                           dense=dense).key(key)


@solara.component
def Toggle(value: str, choices: list[str], on_index: Any, classes: list[str] | None = None
           ) -> Any:
    """A row of buttons, one of them pressed, whose pressed index goes to ``on_index`` as
    it arrives (it returns False to refuse it). Solara's ToggleButtonsSingle looks the index
    up in its list first: a crafted index (NaN, a string, null, 99) raised there and the
    page was replaced by the server's traceback."""
    take, key = use_redraw_on_refusal(on_index)
    return solara.v.BtnToggle(children=[solara.Button(label=c) for c in choices],
                              v_model=choices.index(value) if value in choices else None,
                              on_v_model=take, multiple=False, mandatory=True,
                              class_=" ".join(classes or [])).key(key)


@solara.component
def ControlWidget(ctl: Control, settings: Settings, on_value: Any) -> None:
    base = _base(settings.scenario)
    value = settings.changed.get(ctl.key, base.get(ctl.key))

    def set_value(v: Any) -> bool:
        return on_value(ctl.key, v)

    with solara.Column(gap="0px", classes=["cio-control", "ctl-" + ctl.key.replace(".", "-")],
                       style={"margin-bottom": "14px"}):
        shown = f"{ctl.label}: {fmt(value)}" if ctl.widget in ("int", "float") else ctl.label
        solara.Text(shown, style={"font-size": "0.85rem", "font-weight": "500"})
        if ctl.widget == "select":
            Choice("", value, list(ctl.param.choices or ()), set_value, dense=True)
        elif ctl.widget == "checkbox":
            solara.Checkbox(label="yes" if value else "no", value=value, on_value=set_value)
        else:
            Slider(value, ctl.low, ctl.high, ctl.step, set_value)
        solara.Text(ctl.note(base, value), style={"font-size": "0.72rem", "color": "#666",
                                                  "line-height": "1.15"})


@solara.component
def Page() -> None:
    initial = solara.use_memo(initial_settings, [])
    settings = solara.use_reactive(initial)
    model = solara.use_reactive(solara.use_memo(lambda: Exploration(initial), []))
    model_params = solara.use_reactive({"settings": initial})
    play_interval = solara.use_reactive(150)
    render_interval = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)    # Mesa's controller reads it while playing
    error = solara.use_reactive("")
    view = solara.use_reactive(VIEWS[0])

    def apply(new: Settings) -> bool:
        """Re-run the model with new settings up to the week shown now (False, and the
        reason on the page, when the model refuses them)."""
        try:
            fresh = Exploration(new).advance_to(model.value.week)
        except (ScenarioError, ValueError, TypeError) as exc:  # a value the model refuses
            error.set(" ".join(str(exc).split()))
            return False
        error.set("")
        settings.set(new)
        model_params.set({"settings": new})
        model.set(fresh)
        force_update()
        return True

    def checked(read: Any, then: Any) -> Any:
        """A widget's callback that checks the value from the page first (values.py): a bad
        one becomes the message on the page. The callback returns whether the value was
        taken (a slider redraws itself at the old value when not)."""
        def callback(*raw: Any) -> bool:
            try:
                value = read(*raw)
            except values.BadValue as exc:
                error.set(str(exc))
                return False
            return then(value) is not False
        return callback

    on_control = checked(lambda key, v: (key, values.control_value(control(key), v)),
                         lambda kv: apply(settings.value.with_value(*kv)))

    exploration = model.value
    solara.Title(TITLE)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)

    with solara.Sidebar(), solara.Column():
        with solara.Card("Run"), solara.Column(gap="6px"):
            ModelController(model, model_parameters=model_params,
                            play_interval=play_interval, render_interval=render_interval,
                            use_threads=use_threads)
            WeekLabel(exploration)
            StepSize(render_interval, checked(values.step_weeks, render_interval.set))
            solara.InputInt("seed (both runs use it)", value=settings.value.seed,
                            on_value=checked(values.seed, lambda s: apply(
                                settings.value.replace(seed=s))))
        with solara.Card("Scenario and side-by-side"), solara.Column(gap="6px"):
            names = bundled_names()
            Choice("base scenario (run A)", settings.value.scenario, names,
                   checked(lambda s: values.scenario_name("base scenario", s),
                           lambda s: apply(settings.value.replace(scenario=s))))
            solara.Checkbox(label="side by side: run a second regime (B) on the same seed",
                            value=settings.value.compare is not None,
                            on_value=lambda on: apply(settings.value.replace(
                                compare=_default_other(settings.value.scenario) if on
                                else None)))
            if settings.value.compare is not None:
                Choice("regime of run B (from this scenario)", settings.value.compare, names,
                       checked(lambda s: values.scenario_name("regime of run B", s),
                               lambda s: apply(settings.value.replace(compare=s))))
                solara.Text("Run B has run A's assumptions and changes, with this "
                            "scenario's regime parts.", style={"font-size": "0.75rem"})
            if settings.value.overrides:
                solara.Button(f"undo {len(settings.value.overrides)} change(s)",
                              text=True, on_click=lambda: apply(
                                  settings.value.replace(overrides=())))
            SaveScenario(settings.value)
        for group, controls in all_controls().items():
            with solara.Details(group, expand=group == "Regime parts"), \
                    solara.Column(gap="2px"):
                for ctl in controls:
                    ControlWidget(ctl, settings.value, on_control)

    if error.value:
        solara.Error(error.value)
    Toggle(view.value, list(VIEWS), checked(lambda i: VIEWS[values.choice_index("view", i,
                                                                                VIEWS)],
                                            view.set), classes=["view-switch"])
    if view.value == VIEWS[0]:
        ForumView(exploration)
        with solara.Columns([3, 2]):
            FlowView(exploration)
            HeadlineView(exploration)
    elif view.value == VIEWS[1]:
        with solara.Columns([1, 1]):
            ComplianceView(exploration)
            AgendaView(exploration)
        with solara.Columns([1, 1]):
            AttendanceView(exploration)
            HeadlineView(exploration)
    elif view.value == VIEWS[2]:
        ProposalView(exploration)
    else:
        ParameterView(exploration)


@solara.component
def StepSize(weeks: solara.Reactive[int], on_value: Any) -> None:
    solara.Text(f"weeks per Step (and per frame when playing): {weeks.value}",
                style={"font-size": "0.85rem"})
    with solara.Column(classes=["weeks-per-step"]):
        Slider(weeks.value, *values.STEP_WEEKS, 1, on_value)


@solara.component
def WeekLabel(exploration: Exploration) -> None:
    update_counter.get()
    m = exploration.runs[0].model
    year = adapter.start_year(m) + max(exploration.week - 1, 0) // figures.WEEKS_PER_YEAR
    solara.Text(f"Week {exploration.week} of {exploration.horizon} ({year})",
                classes=["week-label"], style={"font-size": "1.1rem", "font-weight": "600"})


def _default_other(scenario: str) -> str:
    """A sensible second regime to compare with."""
    return "doorzettingsmacht_2026" if scenario != "doorzettingsmacht_2026" else \
        "consensus_2021"
