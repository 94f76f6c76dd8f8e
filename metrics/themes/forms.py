"""The CX lead's rename of a theme: a name, or blank for its top terms again."""

from django import forms

from ..models import FrictionTheme

NAME_MAX = FrictionTheme._meta.get_field("name").max_length


class ThemeRenameForm(forms.Form):
    # No max_length here: the service refuses a longer name with its own message, the one the
    # page shows (metrics.themes.services.THEME_NAME_TOO_LONG); the input still says the limit.
    name = forms.CharField(
        label="Name",
        required=False,
        strip=True,
        help_text=f"At most {NAME_MAX} characters. Leave it empty to name the theme by its top "
        "terms.",
        widget=forms.TextInput(attrs={"maxlength": NAME_MAX}),
    )
