"""Which activities carry an exercise, and the default journey templates (seeds 000, 002, 003).

Both are data the CX lead edits afterwards; this only fills an empty programme.
"""

from django.db import migrations

EXERCISES = {
    "customer-journey": "journey",
    "mystery-shop": "journey",
    "customer-calls": "customer_calls",
}

# name, kind, description, steps
JOURNEYS = [
    ("Buy from us", "purchase", "Buy a product or plan the way a new customer would.", [
        "Find the product on our website",
        "Compare plans and prices",
        "Check out and pay",
        "Receive the confirmation",
        "Read the first invoice and understand it",
    ]),
    ("Get started", "onboarding", "Open an account and reach the first useful result.", [
        "Create an account",
        "Verify your identity or e-mail address",
        "Set the product up for first use",
        "Get an answer to your first question",
        "Reach the first useful result",
    ]),
    ("Get support", "support", "Have a real problem solved through our support.", [
        "Find how to contact us",
        "Reach a person",
        "Explain the problem (count how many times)",
        "Get it resolved",
        "Receive the follow-up",
    ]),
    ("Renew, or try to leave", "renewal", "Go through renewal, and try cancelling.", [
        "Receive the renewal notice",
        "Understand the new price",
        "Renew or change plan",
        "Try to cancel",
    ]),
    ("Serve yourself", "self_service", "Do common tasks without talking to anyone.", [
        "Sign in",
        "Find an answer in the help centre",
        "Change your address or payment details",
        "Download an invoice",
    ]),
    ("Out of the box", "out_of_box", "Unpack and set up what we ship, without help.", [
        "Open the package",
        "Find the instructions",
        "Set it up without calling anyone",
        "Get it working",
    ]),
    ("Phone menu", "phone_menu", "Mystery-shop our phone line as a customer would.", [
        "Call the main number",
        "Find the right option in the menu",
        "Wait for a person",
        "Get the issue resolved without being transferred",
    ]),
    ("Chatbot", "chatbot", "Mystery-shop the chatbot with a real customer question.", [
        "Open the chat",
        "Ask a real customer question",
        "Get a useful answer, or a hand-off to a person",
        "The person knows what you already told the bot",
    ]),
    ("Web portal", "web_portal", "Mystery-shop the customer portal.", [
        "Sign in",
        "Find the state of your account",
        "Complete a common task",
        "Get help from inside the portal",
    ]),
]


def add_journeys(apps, schema_editor):
    ActivityType = apps.get_model("immersion", "ActivityType")
    JourneyTemplate = apps.get_model("immersion", "JourneyTemplate")
    JourneyStep = apps.get_model("immersion", "JourneyStep")
    for slug, exercise in EXERCISES.items():
        ActivityType.objects.filter(slug=slug, exercise="").update(exercise=exercise)
    for name, kind, description, steps in JOURNEYS:
        template, created = JourneyTemplate.objects.get_or_create(
            name=name, defaults={"kind": kind, "description": description}
        )
        if created:
            JourneyStep.objects.bulk_create(
                JourneyStep(template=template, position=index, title=title)
                for index, title in enumerate(steps)
            )


class Migration(migrations.Migration):
    dependencies = [("immersion", "0004_session_follow_through")]

    operations = [migrations.RunPython(add_journeys, migrations.RunPython.noop)]
