"""WTForms for the console. Every form carries a CSRF token (Flask-WTF)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

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
        "Code (members text JOIN <code>)", validators=[DataRequired(), Length(max=40)]
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


class SeriesForm(FlaskForm):
    group_id = SelectField("Group", coerce=int)
    title = StringField("Title", validators=[DataRequired(), Length(max=120)])
    start_local = StringField("First start, local time (YYYY-MM-DD HH:MM)", [DataRequired()])
    rrule = StringField("Repeats (RRULE, empty for a one-off)", validators=[Length(max=200)])
    duration_minutes = IntegerField("Duration (minutes)", [NumberRange(5, 600)], default=60)
    location = StringField("Location", validators=[Length(max=200)])
    reminder_offsets = StringField(
        "Reminders, minutes before (comma separated)", default="1440,120"
    )


class CheckinForm(FlaskForm):
    days = SelectMultipleField(
        "Days",
        coerce=str,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        choices=[
            (str(i), d) for i, d in enumerate(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])
        ],
    )
    time = StringField("Time (HH:MM, group's local time; empty = no check-ins)", [Optional()])


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token (invite, ACK)."""

    confirm = BooleanField(default=True)
