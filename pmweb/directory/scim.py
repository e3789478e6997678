"""SCIM 2.0 (RFC 7643/7644) at ``/scim/v2``: the company's directory creates people,
keeps their names, addresses and managers in step, and deactivates leavers.

The protocol — routes, validation, PATCH, filters, errors — is scim2-server's, served
by scim2-flask; this module says what a SCIM User is in pmweb and stores it with the
organisation's own rules (``pmweb.org.service``), so a manager set by the directory
starts a reporting line exactly as the administration page does.

A User is what pmweb keeps of a person: ``userName``, ``displayName``, one work
address in ``emails``, ``active``, ``externalId`` and the enterprise extension's
``manager``. /Schemas publishes just those. Directories send more (titles, phone
numbers, addresses); pmweb accepts such requests and keeps none of it, as it keeps
nothing about people it does not need."""

import datetime
import hashlib
import json
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app, g, request
from peewee import IntegrityError
from scim2_flask import ScimServer
from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    EnterpriseUser,
    ETag,
    Extension,
    External,
    Filter,
    InvalidFilterException,
    InvalidValueException,
    Meta,
    NotFoundException,
    Patch,
    Reference,
    Resource,
    ResourceType,
    ScimProvider,
    ServiceProviderConfig,
    Sort,
    UnauthorizedException,
    UniquenessException,
    User,
)
from scim2_models.path import CompareOperator, Comparison
from scim2_server.service import ScimService
from scim2_server.storage import ScimStorage, SearchPage

from pmweb import access, accounts, ids
from pmweb.db import db, write_transaction
from pmweb.models import ReportingLine, ScimToken, utcnow
from pmweb.models import User as Person
from pmweb.org import service as org
from pmweb.org.service import Directory, OrgError

ENTERPRISE = str(EnterpriseUser.__schema__)
# The attributes of a User that pmweb keeps, as the directory names them.
KEPT = {"schemas", "id", "externalId", "meta", "userName", "displayName", "emails", "active"}
KEPT_EMAIL = {"value"}
KEPT_MANAGER = {"value", "$ref", "displayName"}
USED_AT_PRECISION = datetime.timedelta(minutes=1)
# The most people one search answers with; a directory pages through the rest.
MOST_PER_PAGE = 200


def _kept_user_schema():
    schema = User.to_schema()
    schema.attributes = [a for a in schema.attributes if a.name in KEPT]
    for attribute in schema.attributes:
        if attribute.name == "emails":
            # Everyone in pmweb has an address: it is how they are told of things.
            attribute.required = True
            attribute.sub_attributes = [
                sub for sub in attribute.sub_attributes if sub.name in KEPT_EMAIL
            ]
            for sub in attribute.sub_attributes:
                sub.required = True
        if attribute.name in ("displayName", "active"):
            # Everyone here is shown by name, and either may sign in or may not. A
            # directory that leaves them out still gets through (``kept_of_user``).
            attribute.required = True
    return schema


def _kept_enterprise_schema():
    schema = EnterpriseUser.to_schema()
    schema.attributes = [a for a in schema.attributes if a.name == "manager"]
    for sub in schema.attributes[0].sub_attributes:
        # Directories name the manager by id alone; pmweb makes the reference itself.
        sub.required = sub.name == "value"
    return schema


PersonResource = Resource.from_schema(_kept_user_schema())
ManagerExtension = Extension.from_schema(_kept_enterprise_schema())

PROVIDER = ScimProvider(
    models=[PersonResource, ManagerExtension],
    resource_types=[ResourceType.from_resource(PersonResource[ManagerExtension])],
    config=ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MOST_PER_PAGE),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[
            AuthenticationScheme(
                type=AuthenticationScheme.Type.oauthbearertoken,
                name="Bearer token",
                description="A token an administrator makes on pmweb's SCIM page",
                spec_uri=Reference[External]("https://datatracker.ietf.org/doc/html/rfc6750"),
                primary=True,
            )
        ],
    ),
)
PersonModel = PROVIDER.model_for("User")


# --- what a directory sends, cut down to what pmweb keeps ----------------------------


def _display_name_from(name):
    if not isinstance(name, dict):
        return None
    whole = name.get("formatted") or " ".join(
        part for part in (name.get("givenName"), name.get("familyName")) if part
    )
    return whole.strip() or None


def kept_of_user(payload):
    """A User as a directory sent it, with only what pmweb keeps. A name given in parts
    (``name.givenName``, ``name.familyName``) becomes ``displayName`` when that is
    missing."""
    if not isinstance(payload, dict):
        return payload
    kept = {key: value for key, value in payload.items() if key in KEPT or key == ENTERPRISE}
    if "displayName" not in kept and (whole := _display_name_from(payload.get("name"))):
        kept["displayName"] = whole
    if isinstance(emails := kept.get("emails"), list) and emails:
        # One address is kept: the primary one, or else the first.
        addresses = [email for email in emails if isinstance(email, dict)]
        chosen = next((email for email in addresses if email.get("primary")), None)
        chosen = chosen or (addresses[0] if addresses else None)
        kept["emails"] = [{"value": chosen.get("value")}] if chosen else emails
    if isinstance(extension := kept.get(ENTERPRISE), dict):
        kept[ENTERPRISE] = {
            key: _kept_manager(value) for key, value in extension.items() if key == "manager"
        }
    return kept


def _kept_manager(manager):
    """A manager as pmweb keeps it. Entra ID sends the id alone, as a string."""
    if isinstance(manager, str):
        return {"value": manager} if manager else None
    if isinstance(manager, dict):
        return {key: value for key, value in manager.items() if key in KEPT_MANAGER}
    return manager


def _kept_path(path):
    """The path a PATCH operation names, as pmweb keeps it; None for an attribute pmweb
    does not keep."""
    if path.lower() == ENTERPRISE.lower():
        return path
    if path.lower().startswith(ENTERPRISE.lower() + ":"):
        rest = path[len(ENTERPRISE) + 1 :]
        return path if rest.split(".")[0].lower() == "manager" else None
    if path.lower().startswith(str(User.__schema__).lower() + ":"):
        path = path[len(str(User.__schema__)) + 1 :]
    root = path.split(".")[0].split("[")[0].lower()
    if root == "name":
        return "displayName" if path.lower() == "name.formatted" else None
    return path if root in {attribute.lower() for attribute in KEPT} else None


def kept_of_patch(payload):
    """A PatchOp with only the operations on what pmweb keeps. Without any left, it
    asks to replace nothing, which changes nothing."""
    if not isinstance(payload, dict) or not isinstance(payload.get("Operations"), list):
        return payload
    operations = []
    for operation in payload["Operations"]:
        if not isinstance(operation, dict):
            operations.append(operation)
            continue
        path = operation.get("path")
        if isinstance(path, str):
            if (kept_path := _kept_path(path)) is None:
                continue
            value = operation.get("value")
            if kept_path.lower() == ENTERPRISE.lower() and isinstance(value, dict):
                value = kept_of_user({ENTERPRISE: value})[ENTERPRISE]
            elif kept_path.lower() == f"{ENTERPRISE}:manager".lower():
                value = _kept_manager(value)
            elif kept_path.lower().startswith("emails") and kept_path.lower() != "emails":
                # 'emails[type eq "work"].value': the one address pmweb keeps.
                if isinstance(value, str) and operation.get("op", "").lower() != "remove":
                    kept_path, value = "emails", [{"value": value}]
                else:
                    continue
            operations.append({**operation, "path": kept_path, "value": value})
        elif isinstance(operation.get("value"), dict):
            operations.append({**operation, "value": kept_of_user(operation["value"])})
        else:
            operations.append(operation)
    if not operations:
        operations = [{"op": "add", "value": {}}]
    return {**payload, "Operations": operations}


def with_what_pmweb_needs(user, active_now):
    """A whole User (created or replaced) with the two attributes pmweb's schema asks
    for and lenient directories leave out: a person without a name is shown by their
    user name, and one sent without ``active`` stays as they are (a new one may sign in)."""
    if not isinstance(user, dict):
        return user
    if "displayName" not in user and isinstance(user.get("userName"), str):
        user["displayName"] = user["userName"]
    user.setdefault("active", active_now)
    return user


class PeopleService(ScimService):
    """scim2-server's protocol, reading every User body through what pmweb keeps."""

    def read_body(self, model, body, content_type, scim_ctx):
        self.ensure_json(content_type)
        try:
            payload = json.loads(body)
        except ValueError:
            return super().read_body(model, body, content_type, scim_ctx)
        if scim_ctx == Context.RESOURCE_PATCH_REQUEST:
            payload = kept_of_patch(payload)
        elif scim_ctx == Context.RESOURCE_CREATION_REQUEST:
            payload = with_what_pmweb_needs(kept_of_user(payload), active_now=True)
        elif scim_ctx == Context.RESOURCE_REPLACEMENT_REQUEST:
            replaced = _replaced_person()
            active_now = replaced.is_active if replaced is not None else True
            payload = with_what_pmweb_needs(kept_of_user(payload), active_now)
        return super().read_body(model, json.dumps(payload).encode(), content_type, scim_ctx)


def _is_an_id(value):
    # ASCII digits only: "²" and "٣" are digits to str.isdigit() and no number to int().
    return value.isascii() and value.isdigit() and int(value) <= ids.LARGEST


def _replaced_person():
    resource_id = (request.view_args or {}).get("resource_id", "")
    if not _is_an_id(resource_id):
        return None
    return access.person_for_directory(int(resource_id))


# --- storing Users as people -----------------------------------------------------------


def _version(resource):
    content = resource.model_dump(exclude={"meta"})
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    return f'W/"{digest[:20]}"'


def _utc(moment):
    return moment.replace(tzinfo=datetime.UTC) if moment else None


def _managers_of(people, today):
    """Each person's current manager's id, for a page of people at once."""
    if not people:
        return {}
    lines = ReportingLine.current_on(today).where(
        ReportingLine.employee.in_([person.id for person in people])
    )
    return {line.employee_id: line.manager_id for line in lines}


def as_resource(person, manager_id):
    resource = PersonModel(
        id=str(person.id),
        external_id=person.external_id,
        user_name=person.directory_user_name or person.email,
        display_name=person.name,
        emails=[{"value": person.email}],
        active=person.deactivated_at is None,
    )
    if manager_id is not None:
        resource[ManagerExtension] = ManagerExtension(
            manager={"value": str(manager_id), "$ref": f"Users/{manager_id}"}
        )
    resource.meta = Meta(
        resource_type="User",
        created=_utc(person.created_at),
        last_modified=_utc(person.modified_at or person.created_at),
    )
    resource.meta.version = _version(resource)
    return resource


def _user_name_of(resource):
    """The userName to keep, or None when the directory sent none."""
    return (resource.user_name or "").strip()[:250] or None


def _user_key(user_name):
    """What a userName is compared by: SCIM's user names ignore case."""
    return user_name.lower() if user_name else None


def _require_unique(user_name, email, other_than=0):
    """Refuses a userName or address someone else has (409 ``uniqueness``), in one
    query. People from before the directory have their address as user name."""
    key = _user_key(user_name)
    named_so = Person.email == email
    if key is not None:
        named_so |= (Person.directory_user_key == key) | (
            Person.directory_user_key.is_null() & (Person.email == key)
        )
    taken = list(
        Person.select(Person.email, Person.directory_user_name)
        .where(named_so & (Person.id != other_than))
        .limit(2)
    )
    for other in taken:
        if key is not None and _user_key(other.directory_user_name or other.email) == key:
            raise UniquenessException(detail=f"The userName {user_name!r} is taken.")
    if taken:
        raise UniquenessException(detail=f"{email} already has an account.")


def _email_of(resource):
    emails = resource.emails or []
    address = emails[0].value if emails and emails[0].value else None
    if address is None and "@" in (resource.user_name or ""):
        address = resource.user_name
    if address is None:
        raise InvalidValueException(
            detail="A person needs an email address: send one in emails, or a userName that is one."
        )
    try:
        return validate_email(address, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        detail = f"{address!r} is not an email address: {error}"
        raise InvalidValueException(detail=detail) from None


def _person_id(value, what):
    """The pmweb id a SCIM id names, or a SCIM error naming ``what``."""
    if isinstance(value, str) and _is_an_id(value):
        return int(value)
    raise NotFoundException(detail=f"No {what} has the id {value!r}.")


def _manager_id_of(resource):
    extension = resource[ManagerExtension]
    manager = extension.manager if extension is not None else None
    return manager.value if manager is not None and manager.value else None


def _name_of(resource):
    name = (resource.display_name or resource.user_name or "").strip()
    return name[:200]


def _directory():
    return Directory(g.scim_token.name, g.scim_token.created_by_id)


def _today():
    return access.today()


def _apply_manager(person, wanted_id, today, new=False):
    """Starts or ends ``person``'s reporting line so that ``wanted_id`` (a SCIM id, or
    None) is their manager from today, by the organisation's rules. Returns the
    manager's id. A ``new`` person has no line yet."""
    current = (
        None
        if new
        else ReportingLine.current_on(today).where(ReportingLine.employee == person.id).first()
    )
    if wanted_id is None:
        if current is None:
            return None
        if current.starts_on == today:
            org.withdraw_reporting_line(current, by=_directory())
            what = "Withdrew a reporting line"
        else:
            org.end_reporting_line(current, today - datetime.timedelta(days=1), by=_directory())
            what = "Ended a reporting line"
        org.log_admin_action(
            _directory(),
            what,
            f"{person.name} reports to {current.manager.name} until {current.ends_on}",
        )
        return None
    try:
        manager_id = _person_id(wanted_id, "manager")
    except NotFoundException as missing:
        raise InvalidValueException(detail=missing.detail) from None
    if current is not None and current.manager_id == manager_id:
        return manager_id
    manager = access.person_for_directory(manager_id)
    if manager is None:
        raise InvalidValueException(detail=f"No person has the id {wanted_id!r} to be a manager.")
    try:
        org.start_reporting_line(
            manager, person, today, current_app.config["DEFAULT_TIMEZONE"], by=_directory()
        )
    except OrgError as refused:
        raise InvalidValueException(detail=str(refused)) from None
    org.log_admin_action(
        _directory(),
        "Started a reporting line",
        f"{person.name} reports to {manager.name} from {today}",
    )
    return manager_id


def _apply_active(person, active):
    if active is None or active == person.is_active:
        return
    if active:
        org.reactivate(person, by=_directory())
        org.log_admin_action(_directory(), "Reactivated an account", person.email)
    else:
        org.deactivate(person, by=_directory())
        org.log_admin_action(_directory(), "Deactivated an account", person.email)


class PeopleStorage(ScimStorage):
    """Users are pmweb's people; every change goes through the organisation's rules."""

    def get(self, resource_type, resource_id, *, response_parameters=None):
        person = self._person(resource_id)
        return as_resource(person, _managers_of([person], _today()).get(person.id))

    def _person(self, resource_id):
        person_id = _person_id(resource_id, "person")
        person = access.person_for_directory(person_id)
        if person is None:
            raise NotFoundException(detail=f"No person has the id {resource_id!r}.")
        return person

    def search(self, resource_types, search_request, *, position=None):
        people = access.people_visible_to_directory().order_by(Person.id)
        scim_filter = search_request.filter
        start = search_request.start_index_0 or 0
        count = MOST_PER_PAGE if search_request.count is None else search_request.count
        by_sql = self._where(scim_filter) if scim_filter is not None else True
        today = _today()
        if by_sql is not None:
            query = people.where(by_sql)
            total = query.count()
            page = list(query.offset(start).limit(count)) if count else []
            managers = _managers_of(page, today)
            return SearchPage(total, [as_resource(p, managers.get(p.id)) for p in page])
        # Any other filter is read against every person's User: rare, and at 10,000
        # people still well under a second.
        everyone = list(people)
        managers = _managers_of(everyone, today)
        try:
            found = [
                resource
                for resource in (as_resource(p, managers.get(p.id)) for p in everyone)
                if scim_filter.match(resource)
            ]
        except (TypeError, ValueError) as error:
            raise InvalidFilterException(detail=str(error)) from None
        return SearchPage(len(found), found[start : start + count])

    @staticmethod
    def _where(scim_filter):
        """The SQL condition of an equality on a kept, indexed attribute; None when the
        filter is anything else."""
        node = scim_filter.ast
        if (
            not isinstance(node, Comparison)
            or node.op != CompareOperator.eq
            or not isinstance(node.value, str)
            or node.attr_path.uri not in (None, str(User.__schema__))
        ):
            return None
        attribute = node.attr_path.attr.lower()
        sub = (node.attr_path.sub_attr or "").lower()
        value = node.value.strip()
        if attribute == "username" and not sub:
            key = _user_key(value)
            return (Person.directory_user_key == key) | (
                Person.directory_user_key.is_null() & (Person.email == key)
            )
        if attribute == "externalid" and not sub:
            return Person.external_id == node.value
        if attribute == "id" and not sub:
            return Person.id == int(value) if _is_an_id(value) else False
        if attribute == "emails" and sub in ("", "value"):
            return Person.email == value.lower()
        return None

    def create(self, resource_type, resource):
        email = _email_of(resource)
        user_name = _user_name_of(resource)
        _require_unique(user_name, email)
        now = utcnow()
        try:
            person = Person.create(
                email=email,
                name=_name_of(resource),
                password_hash="",
                directory_user_name=user_name,
                directory_user_key=_user_key(user_name),
                external_id=resource.external_id,
                created_at=now,
                modified_at=now,
                deactivated_at=None if resource.active is not False else now,
            )
        except IntegrityError:
            raise UniquenessException(detail=f"{email} already has an account.") from None
        accounts.record_event(person.id, None, "Created your account", via=_directory().via)
        org.log_admin_action(_directory(), "Added an account", f"{person.name} <{person.email}>")
        manager_id = None
        if (wanted := _manager_id_of(resource)) is not None:
            manager_id = _apply_manager(person, wanted, _today(), new=True)
        return as_resource(person, manager_id)

    def update(self, resource_type, resource, *, expected_version=None):
        person = self._person(resource.id)
        email = _email_of(resource)
        user_name = _user_name_of(resource)
        _require_unique(user_name, email, other_than=person.id)
        changes = {
            Person.email: email,
            Person.name: _name_of(resource) or person.name,
            Person.directory_user_name: user_name,
            Person.directory_user_key: _user_key(user_name),
            Person.external_id: resource.external_id,
        }
        described = [
            what
            for what, field in (("email", "email"), ("name", "name"))
            if getattr(person, field) != changes[getattr(Person, field)]
        ]
        Person.update({**changes, Person.modified_at: utcnow()}).where(
            Person.id == person.id
        ).execute()
        if described:
            accounts.record_event(
                person.id,
                None,
                f"Your {' and '.join(described)} changed to {changes[Person.name]} <{email}>",
                via=_directory().via,
            )
            org.log_admin_action(
                _directory(),
                f"Changed the {' and '.join(described)}",
                f"{changes[Person.name]} <{email}>",
            )
        person = Person.get_by_id(person.id)
        _apply_active(person, resource.active)
        _apply_manager(person, _manager_id_of(resource), _today())
        return self.get(resource_type, str(person.id))

    def delete(self, resource_type, resource_id, *, expected_version=None):
        """Deactivates the person and takes them out of the directory's Users; nothing
        of theirs is destroyed, and their one-on-ones stay for the employee."""
        person = self._person(resource_id)
        _apply_active(person, False)
        Person.update(removed_by_directory_at=utcnow(), modified_at=utcnow()).where(
            Person.id == person.id
        ).execute()
        org.log_admin_action(_directory(), "Removed from the directory", person.email)

    def operation(self):
        # Reads too, so that the read of a PATCH and its write see one state.
        return write_transaction() if request.method != "GET" else db.atomic()


class PeopleScimServer(ScimServer):
    """scim2-flask's server behind pmweb's bearer tokens: a request without a valid one
    gets the SCIM error 401, whatever cookie it carries."""

    def create_blueprint(self):
        blueprint = super().create_blueprint()

        @blueprint.before_request
        def require_directory_token():
            token = access.directory_token_from(request.headers.get("Authorization"))
            if token is None:
                raise UnauthorizedException(detail="A valid SCIM bearer token is required.")
            now = utcnow()
            # To the minute is enough to tell a token in use from a forgotten one, and
            # saves a write on every request of a sync.
            if token.last_used_at is None or token.last_used_at < now - USED_AT_PRECISION:
                ScimToken.update(last_used_at=now).where(ScimToken.id == token.id).execute()
            g.scim_token = token

        return blueprint

    def get_subject(self) -> Any:
        return g.get("scim_token")


def init_app(app):
    server = PeopleScimServer(PeopleStorage(), PROVIDER, service=PeopleService(PROVIDER))
    server.init_app(app)
    from pmweb.auth import csrf

    # A directory signs with its bearer token, never a cookie: there is no session
    # for a forged request to ride on.
    csrf.exempt(app.blueprints["scim"])
