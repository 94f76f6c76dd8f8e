# ruff: noqa: E501 - sentences read better whole than split
"""The words of the generated volume: fifteen subjects the frontline reports about, each with its
own vocabulary, written through templates with shared noise, so that a text clustering (TF-IDF)
finds the subjects again without finding every report identical.

Each subject: (key, area, usual channel, policy it comes from or "", titles, what happens,
details, trend). Titles and sentences take {n} (a number), {product} and {place}. The trend says
how a subject's share moves over the years: "rising", "falling", "steady" or "spike" (a burst
in one stretch of the history), so the fastest-growing themes of a quarter differ.
"""

PRODUCTS = ["Basic plan", "Family plan", "Business plan", "Pro bundle", "Fibre 500", "Mobile 20GB"]
PLACES = ["the app", "the web portal", "the shop", "the phone line", "chat", "e-mail"]

SUBJECTS = [
    (
        "refund_limit",
        "policy",
        "phone",
        "Refund policy 4.2",
        [
            "Refund over {n} euros needs a manager",
            "Customers wait days for refund approval",
            "Refund approval limit too low for agents",
            "Manager callback needed for every larger refund",
        ],
        [
            "Agents cannot refund more than {n} euros without a manager's approval.",
            "A refund above the agent limit waits for a manager callback that takes two days.",
            "Customers asking for their money back are told a manager will call them.",
        ],
        [
            "The refund is approved in the end almost every time, so the wait buys nothing.",
            "Customers call again to ask where the refund is, and the refund queue grows.",
            "On the {product} the refund limit is reached by a single monthly bill.",
        ],
        "falling",
    ),
    (
        "double_billing",
        "pricing",
        "email",
        "",
        [
            "Two invoices after a plan change",
            "Proration shows two partial charges",
            "First bill after upgrade looks doubled",
            "Customers billed twice in the same month",
        ],
        [
            "After changing plan the invoice shows two partial charges for the same month.",
            "Proration splits the bill into two amounts and customers think they were billed twice.",
            "The first invoice after an upgrade to the {product} is almost double the usual amount.",
        ],
        [
            "Customers ask which invoice is real and whether the second charge will be refunded.",
            "The billing statement does not explain the proration at all.",
            "Agents spend {n} minutes walking through the invoice line by line.",
        ],
        "steady",
    ),
    (
        "cancel_by_phone",
        "policy",
        "chat",
        "Retention policy",
        [
            "Cancelling needs a phone call",
            "No way to cancel online",
            "Chat cannot cancel a subscription",
            "Customers forced to call retention to cancel",
        ],
        [
            "Customers who want to cancel cannot do it online and must phone the retention team.",
            "Chat agents are not allowed to cancel; they hand the customer to the retention queue.",
            "The cancel button is missing from {place}, so leaving takes a phone call.",
        ],
        [
            "Customers who are leaving anyway get angrier while they wait in the retention queue.",
            "Some customers dispute the next charge with their bank instead of calling.",
            "Retention offers are read from a script the customer has already refused.",
        ],
        "falling",
    ),
    (
        "phone_menu_loop",
        "platform",
        "phone",
        "",
        [
            "Phone menu sends customers in a loop",
            "IVR option returns to the main menu",
            "Billing option in the phone menu loops back",
            "Customers press zero to escape the phone menu",
        ],
        [
            "Option {n} in the phone menu returns callers to the main menu instead of a queue.",
            "The IVR sends billing callers round the same menu twice before they reach anyone.",
            "Callers pick the billing option and land back on the welcome message of the phone menu.",
        ],
        [
            "Callers press zero and wait in the general queue, which then takes the wrong agent.",
            "The menu recording still names a product we no longer sell.",
            "Average wait grows by {n} minutes when the loop happens.",
        ],
        "spike",
    ),
    (
        "password_reset",
        "platform",
        "email",
        "",
        [
            "Password reset link expires before the e-mail arrives",
            "Customers locked out after password reset",
            "Reset e-mail arrives too late",
            "Account lockout after three login attempts",
        ],
        [
            "The password reset link lasts ten minutes and the e-mail often takes longer to arrive.",
            "Customers are locked out of their account after a failed password reset.",
            "The reset e-mail lands in spam and the link has expired by the time customers find it.",
        ],
        [
            "Locked-out customers call to be unlocked, which needs an identity check.",
            "The login page does not say how long the lockout lasts.",
            "On {place} the reset page shows an error with no explanation.",
        ],
        "rising",
    ),
    (
        "delivery_tracking",
        "other",
        "chat",
        "",
        [
            "Delivery tracking shows nothing for days",
            "Parcel tracking number does not work",
            "No delivery date for orders in transit",
            "Customers chase missing deliveries",
        ],
        [
            "The tracking number sent to customers shows no information for the first {n} days.",
            "Customers cannot see when their parcel will arrive and contact us to ask.",
            "The courier's tracking page says the parcel is unknown while it is on its way.",
        ],
        [
            "Agents see the same empty tracking page and cannot give a delivery date.",
            "Customers order a second time because they think the first order was lost.",
            "The delivery e-mail links to the courier's old tracking site.",
        ],
        "rising",
    ),
    (
        "price_letter",
        "pricing",
        "email",
        "",
        [
            "Price rise letter hides the new total",
            "Price change letter confuses customers",
            "Customers cannot tell what they will pay after the price change",
            "Price increase notice without the discount",
        ],
        [
            "The price change letter lists the changes but not the new monthly total.",
            "The letter shows the new price without the loyalty discount, so customers think they pay double.",
            "Customers on the {product} receive a price increase notice they cannot understand.",
        ],
        [
            "Calls spike for two weeks after every price letter goes out.",
            "Agents work out the new total by hand for each caller.",
            "Some customers cancel before learning the increase is only {n} euros.",
        ],
        "spike",
    ),
    (
        "annual_plan_bonus",
        "incentives",
        "phone",
        "Sales incentive plan",
        [
            "Bonus rewards annual plans customers undo",
            "Sales incentive pushes annual upgrades",
            "Customers pushed to annual contracts they did not want",
            "Commission on annual plans drives unwanted upgrades",
        ],
        [
            "The sales bonus counts annual upgrades, so customers are pushed to annual plans.",
            "Customers sold an annual contract call after the first bill to undo the upgrade.",
            "The commission rules reward annual plans even when a monthly plan fits the customer.",
        ],
        [
            "Undoing an annual plan needs a supervisor and a cancellation fee waiver.",
            "The bonus is not clawed back when the customer reverses the upgrade.",
            "About {n} customers a week ask to go back to a monthly plan.",
        ],
        "steady",
    ),
    (
        "missing_export",
        "product_roadmap",
        "email",
        "",
        [
            "No date for the export customers were promised",
            "CSV export still missing from the roadmap",
            "Enterprise customers ask for data export",
            "Export feature promised but not delivered",
        ],
        [
            "Enterprise customers ask every month when the CSV export they were promised will come.",
            "The data export feature was announced but is not on the product roadmap.",
            "Customers cannot export their reports from {place} and copy them by hand.",
        ],
        [
            "Agents have no roadmap date to give and escalate each request.",
            "Account managers lose renewals over the missing export.",
            "A workaround spreadsheet is shared by agents but not with customers.",
        ],
        "falling",
    ),
    (
        "chatbot_handover",
        "platform",
        "chat",
        "",
        [
            "Chatbot cannot hand over to a person",
            "Customers stuck talking to the chatbot",
            "Chatbot loops on the same answer",
            "No way to reach an agent from the chatbot",
        ],
        [
            "The chatbot keeps answering with the same article and never offers a human agent.",
            "Customers cannot reach an agent from the chatbot and open a second chat to try again.",
            "When the chatbot hands over, the conversation history is lost and the agent starts again.",
        ],
        [
            "Customers type 'agent' {n} times before giving up and calling instead.",
            "The chatbot marks the conversation solved when the customer leaves.",
            "Agents receiving a handover cannot see what the bot already asked.",
        ],
        "rising",
    ),
    (
        "identity_checks",
        "policy",
        "field",
        "KYC 2.1",
        [
            "Identity check asks for documents twice",
            "Customers verify identity again at every call",
            "Security questions repeated after transfer",
            "Documents requested again at the field visit",
        ],
        [
            "Customers who uploaded identity documents online are asked for them again at the visit.",
            "Every transfer between teams repeats the security questions from the start.",
            "The identity verification policy asks for documents the customer already sent.",
        ],
        [
            "Field engineers cannot see the documents stored in the customer record.",
            "Customers without a printer cannot bring copies and the visit is cancelled.",
            "The check adds {n} minutes to each call.",
        ],
        "steady",
    ),
    (
        "outage_status",
        "platform",
        "social",
        "",
        [
            "Status page says all fine during an outage",
            "Outage not shown on the service status page",
            "Customers learn of outages from social media",
            "No outage message on the phone line",
        ],
        [
            "During the outage the status page still said every service was running.",
            "Customers report the outage on social media hours before we acknowledge it.",
            "The phone line has no outage message, so every caller explains the same fault.",
        ],
        [
            "Agents learn about the outage from customers rather than from the network team.",
            "Compensation for the outage is only given to customers who complain.",
            "The outage lasted {n} hours in some regions.",
        ],
        "spike",
    ),
    (
        "auto_renewal",
        "policy",
        "email",
        "Contract terms 7",
        [
            "Auto-renewal notice arrives after renewal",
            "Contracts renew without warning",
            "Customers surprised by automatic renewal",
            "Renewal reminder sent too late to cancel",
        ],
        [
            "The renewal reminder arrives after the contract has already renewed automatically.",
            "Customers are surprised by an automatic renewal and ask for the charge to be reversed.",
            "The notice period for cancelling before renewal is {n} days but the reminder comes later.",
        ],
        [
            "Reversing a renewal needs a manager's approval every time.",
            "The renewal e-mail looks like marketing and is ignored.",
            "Business customers renew on the {product} they no longer use.",
        ],
        "rising",
    ),
    (
        "installation_slots",
        "policy",
        "field",
        "Field service hours",
        [
            "Installation appointments only on weekdays",
            "Field visits missed without notice",
            "No evening slots for installation",
            "Engineer did not arrive for installation",
        ],
        [
            "Installation visits are offered only on weekdays during working hours.",
            "The engineer missed the installation appointment and nobody told the customer.",
            "Working customers take a day off for an installation or wait {n} weeks for a slot.",
        ],
        [
            "Rebooking a missed visit puts the customer back at the end of the queue.",
            "The appointment window is eight hours long.",
            "Customers on the {product} wait longest for a slot.",
        ],
        "falling",
    ),
    (
        "new_customer_discount",
        "pricing",
        "phone",
        "Acquisition offers",
        [
            "Loyal customers pay more than new ones",
            "Discount only for new customers",
            "Existing customers cannot get the online offer",
            "New-customer price not available to loyal customers",
        ],
        [
            "The online offer is only for new customers, so loyal customers pay more for the same plan.",
            "Existing customers see the new-customer discount and ask why they cannot have it.",
            "Long-standing customers on the {product} pay {n} euros more than new ones.",
        ],
        [
            "Agents may not match the offer and customers threaten to leave.",
            "Some customers cancel and sign up again under another name.",
            "The retention team can match the offer but only after a cancellation request.",
        ],
        "steady",
    ),
]

# Said of every subject: the noise a clustering must see through.
NOISE = [
    "This happens several times a day on our team.",
    "Customers are frustrated and some say they will leave.",
    "We raised this before and nothing changed.",
    "It takes a lot of time we could spend helping other customers.",
    "Please look at this soon.",
    "More customers mention it every week.",
    "It is worst on Mondays.",
    "The knowledge base article about it is out of date.",
    "",
    "",
]

DECLINE_REASONS = [
    "This is how the regulation requires us to work; we will explain it better instead.",
    "The cost of changing it outweighs the benefit for now; we will look again next year.",
    "This is already fixed by a change going live next month.",
    "We could not reproduce it; please add information if it happens again.",
]
ANSWERS = {
    "policy_eliminated": "The policy behind this is withdrawn.",
    "policy_modified": "The policy is changed; see the decision in the log.",
    "product_change": "The product is changed so this no longer happens.",
    "platform_change": "The platform is fixed.",
    "process_change": "The process and the agents' training are changed.",
    "no_change": "We looked at this closely and keep it as it is, with better guidance.",
}
ACKNOWLEDGED = "Thank you; I own this and will answer by the date shown."

# What surprised the executive, what they would change, the friction they saw: by subject.
REFLECTION_OPENERS = [
    "I did not expect {what}.",
    "What surprised me most: {what}.",
    "Three customers in a row told me {what}.",
    "The agent showed me {what}.",
]
REFLECTION_CHANGES = [
    "Fix this before the next quarter.",
    "Give agents the authority to solve it on the call.",
    "Ask the owning team to measure how often it happens.",
    "Take it to the weekly friction review.",
]
QUOTES = [
    "I have called three times about the same thing.",
    "Why is this so hard?",
    "Your people are kind but the system is against them.",
    "I nearly left last month.",
    "",
    "",
]
DECISION_OPENERS = [
    "Change the {subject} rule",
    "Review of {subject}",
    "New approach to {subject}",
    "Keep or drop the {subject} policy",
]
SUBJECT_NAMES = {
    "refund_limit": "refund approval limit",
    "double_billing": "proration on invoices",
    "cancel_by_phone": "cancellation channel",
    "phone_menu_loop": "phone menu",
    "password_reset": "password reset",
    "delivery_tracking": "delivery tracking",
    "price_letter": "price change letters",
    "annual_plan_bonus": "sales incentive on annual plans",
    "missing_export": "data export",
    "chatbot_handover": "chatbot handover",
    "identity_checks": "identity verification",
    "outage_status": "outage communication",
    "auto_renewal": "automatic renewal",
    "installation_slots": "installation appointments",
    "new_customer_discount": "new-customer discounts",
}

FIRST_NAMES = [
    "Aaron", "Adaeze", "Aiko", "Alex", "Amara", "Ana", "Andrei", "Anika", "Arjun", "Astrid",
    "Beatriz", "Ben", "Bianca", "Carlos", "Chen", "Chloe", "Dana", "Daniel", "Deepa", "Diego",
    "Elena", "Eli", "Emma", "Farah", "Felix", "Fatima", "Gabriel", "Grace", "Hana", "Hugo",
    "Ines", "Ivan", "Jade", "James", "Jonas", "Kenji", "Kofi", "Lara", "Leila", "Lucas",
    "Maya", "Mateo", "Mei", "Nadia", "Noah", "Olga", "Omar", "Paula", "Priya", "Rahul",
    "Rosa", "Sam", "Sara", "Sofia", "Tariq", "Tomas", "Uma", "Vera", "Yusuf", "Zoe",
]  # fmt: skip
LAST_NAMES = [
    "Adeyemi", "Andersen", "Bello", "Berg", "Brandt", "Castillo", "Chen", "Cohen", "Costa",
    "Demir", "Dubois", "Fischer", "Garcia", "Haddad", "Hansen", "Ivanova", "Kim", "Kowalski",
    "Lindqvist", "Lopez", "Mehta", "Mensah", "Moreau", "Murphy", "Nair", "Novak", "Nguyen",
    "Okafor", "Ortiz", "Patel", "Petrova", "Reyes", "Rossi", "Santos", "Sato", "Schmidt",
    "Silva", "Tanaka", "Vogel", "Walsh", "Weber", "Yilmaz", "Zhang",
]  # fmt: skip
