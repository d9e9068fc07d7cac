"""Every schema in the OpenAPI document is one pydantic class: two classes with one name would
share one component, and a client generated from the document would read one shape as the other
(a generated client crashed on /search when two `PersonBrief`s did)."""

from __future__ import annotations

import typing
from collections import defaultdict
from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from centric.api import api
from centric.core.api import errors


def _models_in(annotation: object) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for argument in typing.get_args(annotation):
        yield from _models_in(argument)


def _component_models() -> dict[str, set[type[BaseModel]]]:
    """The classes each operation's parameters, body and responses use, nested ones included,
    by the name pydantic gives them in `components.schemas`. The operation's own wrappers
    (ninja's per-operation parameter and response models) are flattened, not components; the
    problem+json schema is added to every document by `centric.api`."""
    seen: set[type[BaseModel]] = set()
    by_name: dict[str, set[type[BaseModel]]] = defaultdict(set)
    pending: list[type[BaseModel]] = [errors.Problem]
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                wrappers = [*operation.models, *operation.response_models.values()]
                for wrapper in wrappers:
                    if isinstance(wrapper, type) and issubclass(wrapper, BaseModel):
                        for field in wrapper.model_fields.values():
                            pending.extend(_models_in(field.annotation))
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        by_name[model.__name__].add(model)
        for field in model.model_fields.values():
            pending.extend(_models_in(field.annotation))
    return by_name


@pytest.mark.django_db
def test_every_component_schema_name_is_one_class(client):
    components = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    by_name = _component_models()
    clashes = {
        name: sorted(f"{model.__module__}.{model.__qualname__}" for model in models)
        for name, models in by_name.items()
        if len(models) > 1
    }
    assert clashes == {}
    # The walk sees what the document shows: every component is one of the classes found.
    assert set(components) - set(by_name) == set()


@pytest.mark.django_db
def test_search_results_have_their_own_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    search = schema["paths"]["/api/v1/search"]["get"]["responses"]["200"]["content"]
    search_out = components[search["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
    person_ref = search_out["properties"]["people"]["items"]["$ref"].rsplit("/", 1)[1]
    assert "full_name" in components[person_ref]["properties"]
