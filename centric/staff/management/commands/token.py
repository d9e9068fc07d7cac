"""`centric token create USERNAME [--name NAME]`, `centric token list USERNAME`, `centric token revoke PREFIX`.

The plain token is printed once, at creation; only its hash is stored.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from centric.staff.models import ApiToken, User
from centric.staff.services.tokens import token_create, token_revoke


class Command(BaseCommand):
    help = "Create, list and revoke personal API tokens."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a token and print it once.")
        create.add_argument("username")
        create.add_argument("--name", default="Command line", help="What the token is for.")
        listing = actions.add_parser("list", help="List a user's tokens (never their secrets).")
        listing.add_argument("username")
        revoke = actions.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix")

    def handle(self, *args, action: str, **options):
        if action == "create":
            user = self._user(options["username"])
            if not user.is_active:
                raise CommandError(f"User {user.username!r} is deactivated.")
            try:
                token, plain = token_create(user=user, name=options["name"])
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            self.stderr.write(
                f"Token {token.prefix} for {user.username}. It is shown only this once:"
            )
            self.stdout.write(plain)
        elif action == "list":
            user = self._user(options["username"])
            for token in ApiToken.objects.filter(user=user):
                if token.revoked_at:
                    state = f"revoked {token.revoked_at:%Y-%m-%d %H:%M}"
                elif not token.is_usable:
                    state = "expired"
                else:
                    state = "active"
                used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
                self.stdout.write(
                    f"{token.prefix}\t{state}\tcreated {token.created_at:%Y-%m-%d %H:%M}"
                    f"\tlast used {used}\t{token.name}"
                )
        else:
            found = ApiToken.objects.select_related("user").filter(prefix=options["prefix"]).first()
            if found is None:
                raise CommandError(f"No token with prefix {options['prefix']!r}.")
            token_revoke(token=found, actor=None)
            self.stdout.write(f"Revoked {found.prefix} ({found.user.username}).")

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        return user
