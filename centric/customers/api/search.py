"""Finding customers over the API: the search box, and the lifecycle stages a client needs to
filter lists by (`stage=`) and to read the stage of a hit."""

from __future__ import annotations

from ninja import Query, Router

from centric.core.api.permissions import require_model_perm
from centric.core.api.types import ApiRequest
from centric.customers import selectors
from centric.customers.api.schemas import SearchOut, StageOut
from centric.customers.models import LifecycleStage, Person

stages_router = Router()
search_router = Router()


# --- Lifecycle stages -------------------------------------------------------------------------


@stages_router.get("", response=list[StageOut], summary="List lifecycle stages")
def list_lifecycle_stages(request: ApiRequest):
    return list(LifecycleStage.objects.all())


# --- Search -----------------------------------------------------------------------------------


@search_router.get(
    "", response=SearchOut, summary="The search box: name, email or any-format phone"
)
def search(
    request: ApiRequest,
    q: str = Query(..., max_length=200, description="At least two characters."),
    limit: int = Query(10, ge=1, le=50),
):
    user = request.auth
    require_model_perm(user, Person, "view")
    return selectors.search_customers(user, q, limit=limit)
