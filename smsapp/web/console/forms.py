"""WTForms for the console. Every form carries a CSRF token (Flask-WTF)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from smsapp.models.users import Role
from smsapp.services.domain.schedule.plain import (
    DAY_NAMES,
    ORDINALS,
    REMINDER_CHOICES,
    describe_offset,
)

DURATIONS = (30, 45, 60, 90, 120, 150, 180)
LANGUAGES = [("en", "English"), ("es", "Español")]
REGIONS = [("US", "United States (+1)"), ("GB", "United Kingdom (+44)"), ("ES", "Spain (+34)")]


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=120)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class ResolveForm(FlaskForm):
    note = TextAreaField("Note (what happened, what was agreed)", validators=[Length(max=2000)])


class MemberForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    phone = StringField("Phone", validators=[DataRequired(), Length(max=40)])
    region = SelectField("Country for numbers without +", choices=REGIONS, default="US")
    group_id = SelectField("Group", coerce=int)
    language = SelectField("Language", choices=LANGUAGES, default="en")


class ImportForm(FlaskForm):
    file = FileField("CSV file (columns: name, phone, group, language)", [FileRequired()])
    region = SelectField("Country for numbers without +", choices=REGIONS, default="US")


class GroupForm(FlaskForm):
    code = StringField(
        "Code (members text JOIN <code>)",
        validators=[DataRequired(), Length(max=40)],
        description="6–20 letters or digits",
    )
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    tz = StringField("Time zone (IANA, e.g. America/New_York)", validators=[DataRequired()])
    facilitator_ids = SelectMultipleField(
        "Facilitators",
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    crisis_text_en = TextAreaField(
        "This group's crisis resources (English; empty: the organisation's)",
        validators=[Length(max=600)],
    )
    crisis_text_es = TextAreaField(
        "This group's crisis resources (Spanish; empty: the organisation's)",
        validators=[Length(max=600)],
    )
    requires_approval = BooleanField("A coordinator approves people who join by texting JOIN")


class SettingsForm(FlaskForm):
    name = StringField("Organisation name", validators=[DataRequired(), Length(max=120)])
    program_name = StringField(
        "Program name (used in texts)", validators=[DataRequired(), Length(max=120)]
    )
    help_contact = StringField("Help contact", validators=[DataRequired(), Length(max=120)])
    crisis_text_en = TextAreaField("Crisis resources (English)", validators=[Length(max=600)])
    crisis_text_es = TextAreaField("Crisis resources (Spanish)", validators=[Length(max=600)])
    quiet_start = StringField("Quiet hours start (HH:MM)", validators=[DataRequired()])
    quiet_end = StringField("Quiet hours end (HH:MM)", validators=[DataRequired()])
    ack_notice_en = TextAreaField(
        "When a facilitator takes a case, the member is told (English; {facilitator} is "
        "their first name, {program} the program name; empty: the built-in wording)",
        validators=[Length(max=320)],
    )
    ack_notice_es = TextAreaField(
        "When a facilitator takes a case, the member is told (Spanish)",
        validators=[Length(max=320)],
    )


class MultiCheckbox(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


DAY_CHOICES = [(str(i), d) for i, d in enumerate(DAY_NAMES)]


class SeriesForm(FlaskForm):
    """A meeting in plain terms: date and time pickers, how it repeats, reminders."""

    group_id = SelectField("Group", coerce=int)
    title = StringField("Title", validators=[DataRequired(), Length(max=120)])
    location = StringField("Where", validators=[Length(max=200)])
    first_date = DateField("First meeting", validators=[DataRequired("pick a date")])
    start_time = TimeField(
        "Starts at", validators=[DataRequired("pick a time")], description="the group's local time"
    )
    duration_minutes = SelectField(
        "Length",
        coerce=int,
        default=60,
        choices=[(m, describe_offset(m).removesuffix(" before")) for m in DURATIONS],
    )
    repeat = RadioField(
        "Repeats",
        default="weekly",
        choices=[
            ("once", "Just once"),
            ("weekly", "Every week (or every few weeks)"),
            ("monthly", "Once a month, on a weekday"),
        ],
    )
    interval = SelectField(
        "How often (weekly)",
        coerce=int,
        default=1,
        choices=[
            (1, "every week"),
            (2, "every 2 weeks"),
            (3, "every 3 weeks"),
            (4, "every 4 weeks"),
        ],
    )
    days = MultiCheckbox(
        "On", choices=DAY_CHOICES, description="for a monthly meeting, pick one day"
    )
    nth = SelectField(
        "Which one (monthly)",
        coerce=int,
        default=1,
        choices=[(n, f"the {word}") for n, word in ORDINALS.items()],
    )
    reminders = MultiCheckbox(
        "Reminders",
        default=["1440", "120"],
        choices=[(str(m), describe_offset(m)) for m in REMINDER_CHOICES],
        description="each member gets a text, and can answer YES, NO or LATER",
    )


class CheckinForm(FlaskForm):
    days = MultiCheckbox("Days", choices=DAY_CHOICES)
    time = TimeField(
        "Time",
        [Optional()],
        description="the group's local time; leave empty for no check-ins",
    )


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token (invite, ACK)."""

    confirm = BooleanField(default=True)


STAFF_ROLES = [
    (Role.FACILITATOR, "Facilitator: sees their groups' members and cases, gets alerts"),
    (Role.COORDINATOR, "Coordinator: sets up everything, sees every group"),
]


class InviteForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Email", validators=[DataRequired(), Length(max=120)])
    role = RadioField("Role", choices=STAFF_ROLES, default=Role.FACILITATOR)
    group_ids = MultiCheckbox("Groups they facilitate", coerce=int)
    phone = StringField(
        "Mobile number (optional)",
        validators=[Optional(), Length(max=40)],
        description="alerts about cases are texted here; they can add it later",
    )


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        "New password (12 characters or more)", validators=[DataRequired(), Length(12, 200)]
    )
    again = PasswordField("The same password again", validators=[DataRequired()])

    def validate_again(self, field: PasswordField) -> None:
        from wtforms.validators import ValidationError

        if field.data != self.password.data:
            raise ValidationError("the two passwords differ")


class AnnouncementForm(FlaskForm):
    text = TextAreaField("Text", [Length(max=2000)])
    send_at = StringField(
        "Send at (optional)", render_kw={"type": "datetime-local"}, description=""
    )
    confirmed = HiddenField()
