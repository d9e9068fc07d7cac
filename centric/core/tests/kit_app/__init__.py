"""A test-only app: one small record type (a gift voucher) built on nothing but the record kit.

It is installed only when the tests run (centric/settings.py). It proves what docs/record-kit.md
promises: one registration gives list/detail/edit/delete/history pages, the REST API, the
permissions of the default roles, custom fields, tags, timeline links and the generated
permission matrix, without editing a central file.
"""
