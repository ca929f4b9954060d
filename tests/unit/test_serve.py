"""`make serve` serves exactly the prefect.yaml deployments and schedules."""

from __future__ import annotations

import inspect
from datetime import timedelta

from flows.ops.serve import read_deployments, runner_deployments


def test_serve_builds_the_prefect_yaml_deployments() -> None:
    specs = {s.name: s for s in read_deployments()}
    assert set(specs) == {"ingest-every-30-min", "daily-report", "lake-maintenance"}
    assert specs["ingest-every-30-min"].intervals == (timedelta(minutes=30),)
    assert specs["daily-report"].crons == (("30 6 * * *", "UTC"),)

    deployments = {d.name: d for d in runner_deployments(list(specs.values()))}
    ingest = deployments["ingest-every-30-min"]
    assert ingest.flow_name == "newswatch-ingest"
    assert ingest.concurrency_limit == 1
    assert ingest.concurrency_options is not None
    assert ingest.concurrency_options.collision_strategy.value == "ENQUEUE"
    assert ingest.schedules[0].schedule.interval == timedelta(minutes=30)  # type: ignore[union-attr]
    report = deployments["daily-report"]
    assert report.flow_name == "newswatch-report"
    assert report.schedules[0].schedule.cron == "30 6 * * *"  # type: ignore[union-attr]
    assert report.parameters == {"since": "1d"}
    upkeep = deployments["lake-maintenance"]
    assert upkeep.flow_name == "newswatch-lake-maintenance"
    assert upkeep.schedules[0].schedule.cron == "15 3 * * *"  # type: ignore[union-attr]
    assert upkeep.parameters == {"keep": "7d"}


def test_deployment_parameters_exist_on_their_flows() -> None:
    from flows.ops.serve import load_flow

    for spec in read_deployments():
        accepted = inspect.signature(load_flow(spec.entrypoint).fn).parameters
        assert set(spec.parameters) <= set(accepted), spec.name
