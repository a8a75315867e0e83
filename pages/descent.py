"""Gradient descent: torch.optim optimizers racing across loss surfaces, the course's eggholder experiment included."""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from core import descent_figures as figures
from core import optim_paths as optim
from core import surfaces
from ui.figures import show_figure
from ui.i18n import t
from ui.live_chart import clicked_point
from ui.page_params import DESCENT_DEFAULT_KINDS as DEFAULT_KINDS
from ui.page_params import DESCENT_MAX_RACERS as MAX_RACERS
from ui.page_params import racer_bindings
from ui.page_url import publish_page_settings, restore_page_settings

PAGE = "descent"
MAP_GRID_RESOLUTION = 225
SURFACE_GRID_RESOLUTION = 90
LAST_GOOD = "descent_last_good"
RESTARTS = "descent_restarts_result"
MAP_KEY = "descent_map"
RACE_FOR_RESTARTS = "descent_race_for_restarts"
CURVE_HEIGHT = 360
TAB_KEY = "descent_tab"
TABS = ("race", "course", "lesson", "restarts")
KEEP = "page"  # a widget's value outlives the runs it is not drawn in (another tab open, fewer racers)


# --- state and callbacks ------------------------------------------------------------------------------------------


def racer_key(index: int, name: str) -> str:
    return f"descent_racer{index}_{name}"


def reset_racer(index: int, surface_key: str, kind: str | None = None) -> None:
    """Put racer `index` back to its default optimizer and a suggested learning rate for the surface."""
    kind = kind or DEFAULT_KINDS[index]
    defaults = {"kind": kind, "lr": optim.suggested_lr(surface_key, kind), "lr_typed": "", "momentum": 0.9,
                "beta1": 0.9, "beta2": 0.999, "eps_exponent": -8, "alpha": 0.99, "schedule": "none", "gamma": 0.9}
    for name, value in defaults.items():
        st.session_state[racer_key(index, name)] = value


def use_surface_defaults() -> None:
    """After a surface change: its own start point and suggested learning rates."""
    key = st.session_state["descent_surface"]
    start = surfaces.build_surface(key, st.session_state.get("descent_condition", surfaces.DEFAULT_CONDITION)).start
    st.session_state["descent_start_x"], st.session_state["descent_start_y"] = start
    for index in range(MAX_RACERS):
        reset_racer(index, key, st.session_state.get(racer_key(index, "kind")))


def suggest_lr_for_kind(index: int) -> None:
    st.session_state[racer_key(index, "lr")] = optim.suggested_lr(
        st.session_state["descent_surface"], st.session_state[racer_key(index, "kind")]
    )


def load_course_experiment() -> None:
    """The course's run: SGD lr 5 from (300, 135) on the eggholder for 10 steps, without and with decay."""
    st.session_state[TAB_KEY] = t("descent.tab.race")
    st.session_state["descent_surface"] = "eggholder"
    st.session_state["descent_start_x"], st.session_state["descent_start_y"] = optim.COURSE_START
    st.session_state["descent_steps"] = optim.COURSE_STEPS
    st.session_state["descent_racer_count"] = 2
    st.session_state["descent_noise"] = 0.0
    st.session_state["descent_project"] = False
    for index, schedule in enumerate(("none", "course_decay")):
        reset_racer(index, "eggholder", "sgd")
        st.session_state[racer_key(index, "lr")] = optim.COURSE_LR
        st.session_state[racer_key(index, "schedule")] = schedule


def start_from_click() -> None:
    """A click on the map's invisible point grid: that point becomes the start."""
    click = clicked_point(MAP_KEY)
    if click:
        st.session_state["descent_start_x"] = float(click["x"])
        st.session_state["descent_start_y"] = float(click["y"])


def init_state() -> None:
    if "descent_surface" in st.session_state:
        return
    st.session_state["descent_surface"] = "eggholder"
    st.session_state["descent_condition"] = surfaces.DEFAULT_CONDITION
    st.session_state["descent_steps"] = 100
    st.session_state["descent_racer_count"] = 3
    st.session_state["descent_noise"] = 0.0
    st.session_state["descent_seed"] = 0
    st.session_state["descent_project"] = False
    use_surface_defaults()


def restore_link(values: dict) -> None:
    """A link's settings: the start defaults to the surface's own, each racer's learning rate to the
    suggested one; a rate off the slider's scale goes into the typed box."""
    surface_key = values["surface"]
    start = surfaces.build_surface(surface_key, values["condition"]).start
    st.session_state["descent_start_x"] = start[0] if values["x"] is None else values["x"]
    st.session_state["descent_start_y"] = start[1] if values["y"] is None else values["y"]
    for index in range(MAX_RACERS):
        bindings = racer_bindings(index)
        reset_racer(index, surface_key, values[bindings[0].key])
        for binding in bindings:
            if binding.state_key is not None:
                st.session_state[binding.state_key] = values[binding.key]
        lr = values[f"lr{index + 1}"]
        if lr is not None and lr in optim.learning_rate_options():
            st.session_state[racer_key(index, "lr")] = lr
        elif lr is not None:
            st.session_state[racer_key(index, "lr_typed")] = f"{lr:.10g}"


def entered_lr(index: int) -> float | None:
    """The racer's learning rate as the URL carries it: None when it is the suggested one."""
    typed = parse_typed_lr(st.session_state.get(racer_key(index, "lr_typed"), ""))
    if typed is not None:
        return typed
    lr = st.session_state.get(racer_key(index, "lr"))
    suggested = optim.suggested_lr(st.session_state["descent_surface"], st.session_state[racer_key(index, "kind")])
    return None if lr == suggested else lr


def publish_link() -> None:
    key = st.session_state["descent_surface"]
    condition = st.session_state.get("descent_condition", surfaces.DEFAULT_CONDITION) if key == "bowl" else (
        surfaces.DEFAULT_CONDITION)
    publish_page_settings(PAGE, *link_values(surfaces.build_surface(key, condition)))


def link_values(surface: surfaces.Surface) -> tuple[dict, tuple[str, ...]]:
    """The settings the widgets cannot give directly, and the keys of hidden controls to leave out."""
    x, y = st.session_state["descent_start_x"], st.session_state["descent_start_y"]
    values = {"x": None if x == surface.start[0] else x, "y": None if y == surface.start[1] else y}
    count = st.session_state["descent_racer_count"]
    skip = [] if surface.key == "bowl" else ["condition"]
    for index in range(MAX_RACERS):
        if index < count:
            values[f"lr{index + 1}"] = entered_lr(index)
        else:
            skip += [binding.key for binding in racer_bindings(index)]
    return values, tuple(skip)


# --- controls -----------------------------------------------------------------------------------------------------


def parse_typed_lr(text: str) -> float | None:
    """The typed learning rate, NaN when the text is not a number, None when the box is empty."""
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return math.nan


def racer_controls(index: int) -> tuple[optim.OptimizerSettings, float]:
    """The widgets of one racer; returns its settings and the learning rate as entered (maybe invalid)."""
    key = lambda name: racer_key(index, name)  # noqa: E731
    kind = st.selectbox(t("descent.optimizer"), optim.OPTIMIZER_KINDS, key=key("kind"), persist_state=KEEP,
                        format_func=lambda k: t(f"descent.optimizer.{k}"), on_change=suggest_lr_for_kind,
                        args=(index,))
    lr_slider = st.select_slider(t("descent.lr"), optim.learning_rate_options(), key=key("lr"), persist_state=KEEP,
                                 format_func=lambda v: f"{v:g}", help=t("descent.lr_help"))
    typed = parse_typed_lr(st.text_input(t("descent.lr_typed"), key=key("lr_typed"), persist_state=KEEP,
                                         placeholder=t("descent.lr_typed_placeholder")))
    lr = lr_slider if typed is None else typed
    extra: dict = {}
    if kind in ("momentum", "nesterov"):
        extra["momentum"] = st.slider(t("descent.momentum"), 0.0, 0.99, step=0.01, key=key("momentum"),
                                      persist_state=KEEP)
    if kind == "adam":
        extra["beta1"] = st.slider(t("descent.beta1"), 0.0, 0.999, step=0.001, key=key("beta1"), persist_state=KEEP,
                                   format="%.3f")
        extra["beta2"] = st.select_slider(t("descent.beta2"), [0.9, 0.99, 0.995, 0.999, 0.9999], key=key("beta2"),
                                          persist_state=KEEP, help=t("descent.beta2_help"))
    if kind == "rmsprop":
        extra["alpha"] = st.slider(t("descent.alpha"), 0.5, 0.999, step=0.001, key=key("alpha"), persist_state=KEEP,
                                   format="%.3f")
    if kind in ("adam", "rmsprop", "adagrad"):
        extra["eps"] = 10.0 ** st.slider(t("descent.eps"), -12, -1, key=key("eps_exponent"), persist_state=KEEP,
                                         help=t("descent.eps_help"))
    schedule = st.selectbox(t("descent.schedule"), optim.SCHEDULE_KINDS, key=key("schedule"), persist_state=KEEP,
                            format_func=lambda s: t(f"descent.schedule.{s}"))
    if schedule == "exponential":
        extra["gamma"] = st.slider(t("descent.gamma"), 0.5, 1.0, step=0.01, key=key("gamma"), persist_state=KEEP)
    settings = optim.OptimizerSettings(kind=kind, lr=lr if optim.learning_rate_problem(lr) is None else 1.0,
                                       schedule=schedule, **extra)
    return settings, lr


def racer_name(index: int, settings: optim.OptimizerSettings) -> str:
    name = t("descent.racer_name", number=index + 1, optimizer=t(f"descent.optimizer.{settings.kind}"),
             lr=f"{settings.lr:g}")
    if settings.schedule != "none":
        name += " · " + t(f"descent.schedule_short.{settings.schedule}")
    return name


# --- cached computation -------------------------------------------------------------------------------------------


@st.cache_data(max_entries=32, show_spinner=False)
def surface_grid(key: str, condition: float, resolution: int) -> surfaces.Grid:
    return surfaces.sample_grid(surfaces.build_surface(key, condition), resolution)


@st.cache_data(max_entries=64, show_spinner=False)
def race_paths(key: str, condition: float, racers: tuple[optim.OptimizerSettings, ...], start: tuple[float, float],
               run: optim.RunSettings) -> list[optim.Path]:
    return optim.race(surfaces.build_surface(key, condition), racers, start, run)


@st.cache_data(max_entries=16, show_spinner=False)
def map_background(key: str, condition: float) -> figures.MapBackground:
    grid = surface_grid(key, condition, MAP_GRID_RESOLUTION)
    return figures.map_background(surfaces.build_surface(key, condition), grid)


@st.cache_resource(max_entries=16, show_spinner=False)
def map_chart(request: tuple, names: tuple[str, ...], text: figures.MapText):
    """The contour map of a race (shared read-only: st.plotly_chart only serializes it)."""
    key, condition, _, start, _ = request
    surface = surfaces.build_surface(key, condition)
    return figures.map_figure(surface, map_background(key, condition), race_paths(*request), list(names), start, text)


@st.cache_resource(max_entries=8, show_spinner=False)
def surface_chart(request: tuple, names: tuple[str, ...], text: figures.MapText):
    key, condition, _, _, _ = request
    surface = surfaces.build_surface(key, condition)
    grid = surface_grid(key, condition, SURFACE_GRID_RESOLUTION)
    return figures.surface_figure(surface, grid, race_paths(*request), list(names), text)


@st.cache_resource(max_entries=16, show_spinner=False)
def curves_chart(request: tuple, names: tuple[str, ...], text: figures.RaceCurveText):
    """The loss, learning-rate and distance panels of a race (shared read-only, as the map)."""
    return figures.race_curves_figure(race_paths(*request), list(names), text, height=CURVE_HEIGHT)


@st.cache_data(max_entries=16, show_spinner=False)
def course_paths() -> tuple[optim.Path, optim.Path]:
    return optim.course_experiment(decay=False), optim.course_experiment(decay=True)


# --- messages -----------------------------------------------------------------------------------------------------


def input_problems(surface: surfaces.Surface, start: tuple[float, float], entered_lrs: list[float]) -> list[str]:
    problems = []
    (x_low, x_high), (y_low, y_high) = surface.domain
    if not all(math.isfinite(v) for v in start) or not surface.contains(start):
        problems.append(t("descent.bad_start", x=f"{start[0]:g}", y=f"{start[1]:g}", x_low=f"{x_low:g}",
                          x_high=f"{x_high:g}", y_low=f"{y_low:g}", y_high=f"{y_high:g}"))
    for index, lr in enumerate(entered_lrs):
        problem = optim.learning_rate_problem(lr)
        if problem:
            problems.append(t(f"descent.bad_lr.{problem}", number=index + 1, lr=f"{lr:g}",
                              limit=f"{optim.MAX_LEARNING_RATE:g}"))
    return problems


def path_messages(surface: surfaces.Surface, paths: list[optim.Path], names: list[str]) -> None:
    for path, name in zip(paths, names):
        if path.stop is not None:
            x, y = path.stop.point
            st.warning(t(f"descent.stop.{path.stop.reason}", name=name, step=path.stop.step, x=f"{x:.4g}",
                         y=f"{y:.4g}"), icon=":material/block:")
        exit_step = path.first_exit
        if exit_step is not None:
            key = "descent.left_domain_stays" if path.stays_outside else "descent.left_domain_returns"
            st.warning(t(key, name=name, step=exit_step), icon=":material/open_in_new:")
    if any(path.first_exit is not None for path in paths) and surface.key == "eggholder":
        st.info(t("descent.eggholder_outside_note"))


def summary_rows(paths: list[optim.Path], names: list[str]) -> list[dict]:
    rows = []
    for path, name in zip(paths, names):
        if path.stop is not None:
            status = t(f"descent.status.{path.stop.reason}", step=path.stop.step)
        elif path.first_exit is not None:
            status = t("descent.status.outside", step=path.first_exit)
        else:
            status = t("descent.status.ok")
        x, y = path.final_point
        rows.append({
            t("descent.col.racer"): name,
            t("descent.col.steps"): path.steps_taken,
            t("descent.col.final_point"): f"({x:.4g}, {y:.4g})",
            t("descent.col.final_loss"): round(path.final_loss, 4),
            t("descent.col.best_loss"): round(float(np.nanmin(path.losses)), 4),
            t("descent.col.distance"): None if path.distances is None else round(float(path.distances[-1]), 4),
            t("descent.col.status"): status,
        })
    return rows


def map_text() -> figures.MapText:
    return figures.MapText(
        x_title=t("descent.fig.w0"), y_title=t("descent.fig.w1"), value=t("descent.fig.loss"),
        colour_title=t("descent.fig.loss"),
        click_hint=t("descent.fig.click_hint"), start=t("descent.fig.start"),
        global_minimum=t("descent.fig.global_minimum"), local_minimum=t("descent.fig.local_minimum"),
        domain=t("descent.fig.domain"), play=t("descent.fig.play"), pause=t("descent.fig.pause"),
        step=t("descent.fig.step"), title_3d=t("descent.fig.title_3d"),
    )


def curve_text() -> figures.RaceCurveText:
    step = t("descent.fig.step")
    return figures.RaceCurveText(
        loss=figures.CurveText(t("descent.fig.loss_title"), step, t("descent.fig.loss")),
        lr=figures.CurveText(t("descent.fig.lr_title"), step, t("descent.fig.lr"), note=t("descent.fig.restart_note")),
        distance=figures.CurveText(t("descent.fig.distance_title"), step, t("descent.fig.distance"),
                                   empty=t("descent.fig.no_minimum")),
    )


# --- race tab -----------------------------------------------------------------------------------------------------

def show_race() -> None:
    """The race tab: its controls, the race and its figures."""
    st.button(t("descent.load_course"), on_click=load_course_experiment, icon=":material/school:",
              help=t("descent.load_course_help"), key="descent_load_course")
    surface_column, start_column, run_column = st.columns([1.2, 1, 1.3])
    with surface_column:
        surface_key = st.selectbox(t("descent.surface"), surfaces.SURFACE_KEYS, key="descent_surface",
                                   persist_state=KEEP, format_func=lambda k: t(f"descent.surface.{k}"),
                                   on_change=use_surface_defaults)
        condition = surfaces.DEFAULT_CONDITION
        if surface_key == "bowl":
            condition = st.slider(t("descent.condition"), 1.0, 100.0, step=1.0, key="descent_condition",
                                  persist_state=KEEP, help=t("descent.condition_help"))
    surface = surfaces.build_surface(surface_key, condition)
    surface_column.caption(t(f"descent.surface_note.{surface_key}", **figures.local_minimum_labels(surface)))
    with start_column:
        start_x = st.number_input(t("descent.start_x"), key="descent_start_x", persist_state=KEEP, format="%.4f")
        start_y = st.number_input(t("descent.start_y"), key="descent_start_y", persist_state=KEEP, format="%.4f")
        st.caption(t("descent.start_help"))
    with run_column:
        steps = st.slider(t("descent.steps"), 1, optim.MAX_STEPS, key="descent_steps", persist_state=KEEP)
        noise = st.slider(t("descent.noise"), 0.0, 20.0, step=0.5, key="descent_noise", persist_state=KEEP,
                          help=t("descent.noise_help"))
        seed = st.number_input(t("descent.seed"), 0, 10_000, step=1, key="descent_seed", persist_state=KEEP)
        project = st.toggle(t("descent.project"), key="descent_project", persist_state=KEEP,
                            help=t("descent.project_help"))

    racer_count = st.slider(t("descent.racer_count"), 1, MAX_RACERS, key="descent_racer_count", persist_state=KEEP)
    racers, entered_lrs = [], []
    racer_columns = st.columns(min(racer_count, 3))
    for index in range(racer_count):
        with racer_columns[index % len(racer_columns)].expander(t("descent.racer", number=index + 1), expanded=True):
            settings, entered = racer_controls(index)
        racers.append(settings)
        entered_lrs.append(entered)

    start = (float(start_x), float(start_y))
    run = optim.RunSettings(steps=int(steps), noise_sigma=float(noise), seed=int(seed), project=bool(project))
    request = (surface_key, float(condition), tuple(racers), start, run)
    problems = input_problems(surface, start, entered_lrs)
    for problem in problems:
        st.error(problem, icon=":material/error:")
    paths = None
    if not problems:
        paths = race_paths(*request)
        if all(path.steps_taken == 0 and path.stop is not None for path in paths):
            path_messages(surface, paths, [racer_name(i, p.settings) for i, p in enumerate(paths)])
            st.error(t("descent.nothing_to_show"), icon=":material/error:")
            paths = None
        else:
            st.session_state[LAST_GOOD] = request
    if paths is None and LAST_GOOD in st.session_state:
        request = st.session_state[LAST_GOOD]
        paths = race_paths(*request)
        st.info(t("descent.showing_previous"), icon=":material/history:")

    if paths is not None:
        shown_key, shown_condition, _, shown_start, _ = request
        shown_surface = surfaces.build_surface(shown_key, shown_condition)
        names = [racer_name(index, path.settings) for index, path in enumerate(paths)]
        st.markdown(t("descent.start_shown", x=f"{shown_start[0]:g}", y=f"{shown_start[1]:g}"))
        if not problems:
            path_messages(shown_surface, paths, names)
        text = map_text()
        view = st.radio(t("descent.view"), ["map", "surface3d"], key="descent_view", persist_state=KEEP,
                        horizontal=True, format_func=lambda v: t(f"descent.view.{v}"), label_visibility="collapsed")
        if view == "map":
            show_figure(map_chart(request, tuple(names), text), live=True, key=MAP_KEY, on_click=start_from_click,
                        config={"displaylogo": False})
            st.caption(t("descent.map_help"))
        else:
            show_figure(surface_chart(request, tuple(names), text), live=True, key="descent_surface_chart",
                        config={"displaylogo": False})
        show_figure(curves_chart(request, tuple(names), curve_text()), live=True, key="descent_curves_chart")
        st.dataframe(summary_rows(paths, names), hide_index=True, width="stretch")
    st.session_state[RACE_FOR_RESTARTS] = (surface_key, float(condition), racers[0], run, bool(problems))


# --- the other tabs -----------------------------------------------------------------------------------------------


def show_course() -> None:
    """The course tab: the course's experiment, its two paths step by step."""
    st.markdown(t("descent.course_intro"))
    st.code(t("descent.course_code"), language="python")
    plain, decayed = course_paths()
    table_columns = st.columns(2)
    for column, path, title in zip(table_columns, (plain, decayed),
                                   (t("descent.course_plain"), t("descent.course_decay"))):
        with column:
            st.subheader(title)
            lrs = list(path.lrs) + [None]
            st.dataframe(
                [{t("descent.col.step"): k, t("descent.fig.w0"): round(float(p[0]), 4),
                  t("descent.fig.w1"): round(float(p[1]), 4),
                  t("descent.col.loss"): round(float(loss), 4),
                  t("descent.col.lr_next"): None if lr is None else round(float(lr), 6)}
                 for k, (p, loss, lr) in enumerate(zip(path.points, path.losses, lrs))],
                hide_index=True, width="stretch",
            )
    st.markdown(t("descent.course_observation"))
    st.button(t("descent.load_course"), on_click=load_course_experiment, key="descent_load_course_2",
              icon=":material/school:")


def show_lesson() -> None:
    """The one-dimensional lesson: a parabola with four learning rates side by side."""
    st.markdown(t("descent.lesson_intro"))
    lesson_steps = st.slider(t("descent.lesson_steps"), 1, 30, optim.PARABOLA_STEPS, key="descent_lesson_steps",
                             persist_state=KEEP)
    panels = [
        figures.ParabolaPanel(t(f"descent.lesson.{name}", lr=f"{lr:g}", factor=f"{abs(1 - 2 * lr):g}"),
                              optim.parabola_path(lr, steps=lesson_steps))
        for name, lr in zip(("too_small", "right", "too_large", "divergent"), optim.PARABOLA_RATES)
    ]
    show_figure(figures.parabola_figure(panels, t("descent.fig.parabola_x"), t("descent.fig.parabola_y"),
                                        t("descent.fig.step")), width="stretch")
    st.markdown(t("descent.lesson_explain"))


def show_restarts() -> None:
    """Random restarts of the race's first optimizer: N starts, the best end against the global minimum."""
    st.markdown(t("descent.restarts_intro"))
    restart_count = st.slider(t("descent.restart_count"), 2, 200, 30, key="descent_restart_count", persist_state=KEEP)
    restart_seed = st.number_input(t("descent.restart_seed"), 0, 10_000, 0, key="descent_restart_seed",
                                   persist_state=KEEP)
    if st.button(t("descent.run_restarts"), key="descent_run_restarts", icon=":material/casino:"):
        surface_key, condition, first, run, blocked = st.session_state[RACE_FOR_RESTARTS]
        if blocked:
            st.error(t("descent.restarts_blocked"), icon=":material/error:")
        else:
            st.session_state[RESTARTS] = (
                surface_key, condition, racer_name(0, first), run.steps,
                optim.random_restarts(surfaces.build_surface(surface_key, condition), first, restart_count, run,
                                      seed=int(restart_seed)),
            )
    if RESTARTS not in st.session_state:
        st.caption(t("descent.restarts_first_racer"))
        return
    restart_key, restart_condition, restart_name, restart_steps, result = st.session_state[RESTARTS]
    st.caption(t("descent.restarts_uses", name=restart_name, steps=restart_steps))
    restart_surface = surfaces.build_surface(restart_key, restart_condition)
    best = restart_surface.global_minimum
    if result.best_point is None:
        st.warning(t("descent.restarts_none_inside", count=len(result.ends)))
    else:
        gap = "" if best is None else t("descent.restarts_gap", value=f"{best.value:.4f}",
                                        gap=f"{result.best_loss - best.value:.4f}")
        st.success(t("descent.restarts_best", surface=t(f"descent.surface.{restart_key}"),
                     x=f"{result.best_point[0]:.4f}", y=f"{result.best_point[1]:.4f}",
                     loss=f"{result.best_loss:.4f}") + " " + gap)
    if result.stopped.any():
        st.warning(t("descent.restarts_stopped", count=int(result.stopped.sum())))
    outside = int((~restart_surface.inside(result.ends)).sum())
    if outside:
        st.warning(t("descent.restarts_outside", count=outside))
    show_figure(figures.restarts_figure(
        restart_surface, map_background(restart_key, restart_condition), result.starts, result.ends,
        result.best_point,
        figures.RestartText(map_text(), t("descent.fig.starts"), t("descent.fig.ends"), t("descent.fig.best"))),
        width="stretch")


# --- page ---------------------------------------------------------------------------------------------------------

init_state()
restore_page_settings(PAGE, restore_link)
st.title(t("descent.title"))
st.markdown(t("descent.intro"))

tabs = st.tabs([t(f"descent.tab.{name}") for name in TABS], key=TAB_KEY, on_change="rerun")
for tab, show in zip(tabs, (show_race, show_course, show_lesson, show_restarts)):
    if tab.open:
        with tab:
            show()

publish_link()
