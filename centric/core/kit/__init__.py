"""The record kit: what every registered record type gets without writing it again.

- `centric.core.records`: the registry (one `register_record(...)` per record type).
- `features`: the seams through which other apps add custom fields and tags to every record.
- `services`: the helpers each record type's typed services are built from (ownership,
  optimistic concurrency, external ids, custom fields, tags, history actor, deletion).
- `forms`: the form a record type's pages are built from (owner picker, team, version…).
- `pages`: declarative list / detail / create / edit / delete / history pages.
- `history`: the field history of any record with django-simple-history.
- `centric.core.api.records`: the REST router factory.
See docs/record-kit.md.
"""
