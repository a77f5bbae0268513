"""``shnor users add|disable|list`` (the region's administrator issues accounts) and ``shnor serve``
(the upload page under uvicorn). Registered in ``shnor/cli.py`` by ``add_web_commands``."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from shnor.web.accounts import AccountError, add_account, disable_account, municipality_by_oktmo
from shnor.web.settings import WebSettingsError, settings_from_env
from shnor.web.store import Store
from shnor_core.settings import DataHome


def _home(args) -> DataHome:
    return DataHome(Path(args.home).resolve()) if args.home else DataHome.from_env()


def _password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Пароль: ")
    if getpass.getpass("Пароль ещё раз: ") != first:
        raise AccountError("пароли не совпадают")
    return first


def cmd_users_add(args) -> int:
    store = Store(_home(args))
    try:
        account = add_account(store, args.login, _password(args), None if args.region else args.municipality,
                              replace=args.replace)
    except AccountError as error:
        print(f"shnor users add: {error}", file=sys.stderr)
        return 1
    who = "сотрудник региона" if account.is_region else municipality_by_oktmo(account.municipality_oktmo).name
    print(f"Пользователь {account.login}: {who}")
    return 0


def cmd_users_disable(args) -> int:
    try:
        disable_account(Store(_home(args)), args.login)
    except AccountError as error:
        print(f"shnor users disable: {error}", file=sys.stderr)
        return 1
    print(f"Пользователь {args.login} отключён: войти больше не сможет, открытые сеансы закрыты")
    return 0


def cmd_users_list(args) -> int:
    for account in Store(_home(args)).accounts():
        who = "регион"
        if not account.is_region:
            municipality = municipality_by_oktmo(account.municipality_oktmo)
            who = f"{account.municipality_oktmo} {municipality.name if municipality else '(нет в справочнике)'}"
        print(f"{account.login:24} {who:50} {'отключён' if account.disabled else 'активен'}  с {account.created_at[:10]}")
    return 0


def cmd_serve(args) -> int:
    # lazy: FastAPI, uvicorn and the checker's readers take time to import, and only `shnor serve` needs them
    import uvicorn  # noqa: PLC0415 - heavy, only for `shnor serve`

    from shnor.web.app import create_app  # noqa: PLC0415 - imports FastAPI and the checker: only for `shnor serve`

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # no usage statistics from a closed network
    home = _home(args)
    try:
        settings = settings_from_env(home, demo=args.demo)
    except WebSettingsError as error:
        print(f"shnor serve: {error}", file=sys.stderr)
        return 2
    print(f"Страница приёма форм: http://{args.host}:{args.port}/ (каталог данных {home.root})")
    if settings.today is not None:
        print(f"  «сегодня» задано настройкой SHNOR_WEB_TODAY: {settings.today:%d.%m.%Y}")
    if not Store(home).accounts():
        print("  учётных записей ещё нет: shnor users add ЛОГИН --municipality ОКТМО | --region")
    if args.behind_proxy:
        print(f"  за прокси: адрес клиента из X-Forwarded-For, если запрос пришёл от {settings.trusted_proxies} "
              "(настройка SHNOR_WEB_TRUSTED_PROXIES)")
    uvicorn.run(create_app(home, settings), host=args.host, port=args.port, log_level="info",
                proxy_headers=args.behind_proxy, forwarded_allow_ips=settings.trusted_proxies if args.behind_proxy else None)
    return 0


def add_web_commands(commands) -> None:
    """The upload page's commands, on the parser of ``shnor``."""
    users = commands.add_parser("users", help="учётные записи страницы приёма форм").add_subparsers(
        dest="users_command", required=True)
    add = users.add_parser("add", help="добавить пользователя (пароль спросит)")
    add.set_defaults(handler=cmd_users_add)
    add.add_argument("login")
    who = add.add_mutually_exclusive_group(required=True)
    who.add_argument("--municipality", metavar="ОКТМО", help="пользователь муниципального образования")
    who.add_argument("--region", action="store_true", help="сотрудник региона: видит все МО")
    add.add_argument("--password-stdin", action="store_true", help="прочитать пароль из первой строки stdin")
    add.add_argument("--replace", action="store_true", help="пользователь уже есть: новый пароль и роль, снова активен")
    disable = users.add_parser("disable", help="отключить пользователя")
    disable.set_defaults(handler=cmd_users_disable)
    disable.add_argument("login")
    users.add_parser("list", help="пользователи").set_defaults(handler=cmd_users_list)

    serve = commands.add_parser("serve", help="страница приёма форм (веб-приложение)")
    serve.set_defaults(handler=cmd_serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8081)
    serve.add_argument("--demo", action="store_true",
                       help="без SHNOR_WEB_SECRET: секрет сеансов создаётся в каталоге данных (только для демонстрации)")
    serve.add_argument("--behind-proxy", action="store_true",
                       help="за обратным прокси: адрес клиента из X-Forwarded-For, если запрос пришёл от доверенного прокси "
                            "(SHNOR_WEB_TRUSTED_PROXIES, по умолчанию 127.0.0.1)")
