"""URL parameters: typed, bounded, and a bad one falls back to its default with a reason."""

from core.url_state import MAX_TEXT_LENGTH, Param, Problem, parse_query, to_query

PARAMS = [
    Param("lang", "en", "choice", options=("en", "he")),
    Param("lecture", False, "bool"),
    Param("steps", 10, "int", low=1, high=1000),
    Param("lr", 0.1, "float", low=1e-4, high=10),
]


def test_good_values_are_read():
    values, problems = parse_query({"lang": "he", "lecture": "1", "steps": "20", "lr": "0.5"}, PARAMS)
    assert values == {"lang": "he", "lecture": True, "steps": 20, "lr": 0.5}
    assert problems == []


def test_absent_values_take_their_defaults():
    values, problems = parse_query({}, PARAMS)
    assert values == {"lang": "en", "lecture": False, "steps": 10, "lr": 0.1}
    assert problems == []


def test_bad_values_fall_back_with_a_reason():
    query = {
        "lang": "xx",
        "lecture": "maybe",
        "steps": "1e9",
        "lr": "nan",
        "hack": "<script>",
        "x" * 500: "1",
    }
    values, problems = parse_query(query, PARAMS)
    assert values == {"lang": "en", "lecture": False, "steps": 10, "lr": 0.1}
    reasons = {problem.key: problem.reason for problem in problems}
    assert reasons["lang"] == reasons["lecture"] == reasons["steps"] == reasons["lr"] == "invalid"
    assert reasons["hack"] == "unknown"
    assert reasons["x" * MAX_TEXT_LENGTH] == "unknown"


def test_out_of_range_wrong_type_and_too_long():
    _, problems = parse_query({"steps": "0", "lr": "abc", "lang": "h" * 1000}, PARAMS)
    assert Problem("steps", "invalid") in problems
    assert Problem("lr", "invalid") in problems
    assert Problem("lang", "too_long") in problems


def test_keys_known_elsewhere_are_not_reported():
    _, problems = parse_query({"page_setting": "3"}, PARAMS, also_known=("page_setting",))
    assert problems == []


def test_round_trip_leaves_defaults_out():
    values = {"lang": "he", "lecture": True, "steps": 10, "lr": 0.25}
    query = to_query(values, PARAMS)
    assert query == {"lang": "he", "lecture": "1", "lr": "0.25"}
    assert parse_query(query, PARAMS)[0] == values


def test_a_number_from_a_list_is_read_as_the_listed_value():
    rates = Param("lr", 0.3, "float", options=(0.01, 0.03, 0.1, 0.3, 1.0))
    sizes = Param("batch", 16, "int", options=(1, 4, 16, 64))
    values, problems = parse_query({"lr": "1e-1", "batch": "64"}, [rates, sizes])
    assert values == {"lr": 0.1, "batch": 64} and problems == []
    _, problems = parse_query({"lr": "0.2", "batch": "5"}, [rates, sizes])
    assert {problem.reason for problem in problems} == {"invalid"} and len(problems) == 2


def test_values_the_url_cannot_carry_are_left_out():
    params = [Param("steps", 10, "int", low=1, high=1000), Param("lr", 0.1, "float", low=1e-4, high=10),
              Param("seed", None, "int", low=0, high=99)]
    query = to_query({"steps": 5000, "lr": float("nan"), "seed": None}, params)
    assert query == {}
    assert to_query({"steps": 20.0, "lr": 0.123456789, "seed": 7}, params) == {"steps": "20", "lr": "0.123456789",
                                                                                  "seed": "7"}


def test_infinity_and_a_float_for_an_int_are_invalid():
    _, problems = parse_query({"lr": "inf", "steps": "2.5"}, PARAMS)
    assert {problem.key for problem in problems} == {"lr", "steps"}
