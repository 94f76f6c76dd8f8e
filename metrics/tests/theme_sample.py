"""A fixed sample of friction report texts for the theme tests: five frictions the frontline
writes about in their own words, six reports each, and two that are about nothing the others
share. Kept here, unchanged, so that what makes two reports the same theme is written down
against real-looking text (metrics/tests/test_themes.py)."""

# (the friction it is about, title, description)
SAMPLE: list[tuple[str, str, str]] = [
    # Refunds need a manager's approval
    (
        "refunds",
        "Refunds above 50 euros need manager approval",
        "Customers wait two days for a refund because a manager has to approve every refund.",
    ),
    (
        "refunds",
        "Refund approval takes too long",
        (
            "The refund policy makes agents ask a manager; customers call back asking where "
            "their refund is."
        ),
    ),
    (
        "refunds",
        "Customers angry about slow refunds",
        "Every refund over the limit waits for manager approval, sometimes for a week.",
    ),
    (
        "refunds",
        "Refund policy sends customers to chargebacks",
        "Customers give up waiting for the refund and file a chargeback with their bank.",
    ),
    (
        "refunds",
        "Agents cannot issue a refund",
        "We have to escalate each refund to a manager, and the approval queue is days long.",
    ),
    (
        "refunds",
        "Refund limit is too low",
        "Most refund requests are above the limit, so nearly every refund needs approval.",
    ),
    # Password reset loops
    (
        "password",
        "Password reset link loops back to login",
        (
            "After the password reset the link sends customers back to the login page, "
            "and the new password is not accepted."
        ),
    ),
    (
        "password",
        "Customers locked out after password reset",
        "The reset email arrives but the password reset page says the link expired.",
    ),
    (
        "password",
        "Password reset email never arrives",
        (
            "Customers ask for a password reset three times and get no email, then they are "
            "locked out."
        ),
    ),
    (
        "password",
        "Login loop after resetting password",
        "Customers reset the password, log in, and are sent to the reset page again.",
    ),
    (
        "password",
        "Reset link expires too fast",
        (
            "The password reset link expires after ten minutes; customers reading email later "
            "cannot log in."
        ),
    ),
    (
        "password",
        "Two factor blocks password reset",
        (
            "Customers with a new phone cannot finish the password reset and stay locked out "
            "of the login."
        ),
    ),
    # Long hold times on the phone line
    (
        "hold",
        "Hold times over forty minutes",
        "Callers wait on hold for forty minutes before an agent answers the phone queue.",
    ),
    (
        "hold",
        "Callers hang up while on hold",
        "The phone queue is so long that callers hang up on hold and call again.",
    ),
    (
        "hold",
        "No callback option in the phone queue",
        "Customers must stay on hold; a callback would save them the wait in the queue.",
    ),
    (
        "hold",
        "Hold music loops and callers give up",
        (
            "Long hold times on the phone line: callers give up after the third loop of the "
            "hold music."
        ),
    ),
    (
        "hold",
        "Queue wait doubles on Mondays",
        "On Monday mornings the phone queue wait doubles and callers stay on hold for an hour.",
    ),
    (
        "hold",
        "Transferred callers go back on hold",
        "Every transfer puts the caller back at the end of the phone queue, on hold again.",
    ),
    # Shipping delays
    (
        "shipping",
        "Shipping delays with the new carrier",
        "Parcels with the new carrier arrive a week late and the tracking shows no delivery date.",
    ),
    (
        "shipping",
        "Tracking number not updated",
        (
            "Customers cannot see where the parcel is: the tracking page is stuck and delivery "
            "is late."
        ),
    ),
    (
        "shipping",
        "Late delivery before holidays",
        "Orders shipped before the holidays arrive late; the carrier missed the delivery window.",
    ),
    (
        "shipping",
        "Carrier leaves parcels at the depot",
        "The carrier does not attempt delivery and leaves the parcel at a depot far away.",
    ),
    (
        "shipping",
        "Delivery date promised is wrong",
        "Checkout promises delivery in two days, but shipping with the carrier takes a week.",
    ),
    (
        "shipping",
        "Shipping delays on large orders",
        (
            "Large orders are split into parcels and each parcel shipping is delayed; tracking "
            "shows one delivery only."
        ),
    ),
    # Invoices and billing errors
    (
        "billing",
        "Invoice charges twice for one month",
        "Customers are billed twice on the invoice when they change plan mid month.",
    ),
    (
        "billing",
        "Billing address cannot be changed on invoices",
        "The invoice keeps the old billing address and customers need a corrected invoice for tax.",
    ),
    (
        "billing",
        "Double charge after plan upgrade",
        "Upgrading the plan bills the full month again; the invoice shows a double charge.",
    ),
    (
        "billing",
        "Invoice in the wrong currency",
        "Customers abroad get the invoice in euros and the billing team cannot reissue it.",
    ),
    (
        "billing",
        "Billing date moves every month",
        "The billing date drifts, so customers see two charges on one invoice period.",
    ),
    (
        "billing",
        "Cannot download past invoices",
        "The billing page shows only the last invoice; customers need older invoices for audits.",
    ),
    # About nothing the others share
    (
        "other",
        "Coffee machine on floor three",
        "The coffee machine on floor three has been broken since Tuesday.",
    ),
    (
        "other",
        "Parking spaces",
        "There are not enough parking spaces for the evening shift.",
    ),
]

FRICTIONS = ["refunds", "password", "hold", "shipping", "billing"]

# Filed after the themes were learnt, each about one of the frictions above in new words.
NEWCOMERS: list[tuple[str, str, str]] = [
    (
        "refunds",
        "Manager approval delays every refund",
        "A customer waited nine days for a refund of 80 euros approved by a manager.",
    ),
    (
        "shipping",
        "Parcel lost by the carrier",
        "The tracking stopped and the parcel never reached delivery.",
    ),
    (
        "hold",
        "An hour on hold",
        "A caller spent an hour on hold in the phone queue to change an address.",
    ),
]
