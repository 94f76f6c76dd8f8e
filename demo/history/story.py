"""The history's story, quarter by quarter, and the words in it (see demo/history/__init__.py)."""

from frictions.models import Resolution

QUARTERS = 8
SEED = 13
# Quarter by quarter, oldest first: what the charts show. The current quarter gets its share
# of these for the part of it that lies before this month.
ACTIVE = [5, 6, 6, 7, 8, 9, 10, 11]  # executives taking part, of the 12
JOURNEYS = [3, 4, 5, 6, 7, 8, 9, 10]  # executives completing a journey exercise
REVIEWS_HELD = [0.5, 0.55, 0.65, 0.7, 0.8, 0.85, 0.95, 1.0]  # share of weeks with a review
REVIEW_ATTENDANCE = [0.45, 0.5, 0.55, 0.65, 0.75, 0.8, 0.9, 0.95]  # of the chiefs invited
REPORTS_CLOSED = [8, 9, 10, 12, 13, 14, 16, 18]  # friction reports answered in the quarter
# Of the reports filed, the share filed anonymously (most of them by phone support, planner.py).
ANONYMOUS_SHARE = 0.5
MEDIAN_DAYS = [38, 34, 29, 24, 19, 15, 11, 8]  # from filing to the answer
DECIDED = [3, 3, 4, 4, 5, 5, 6, 6]  # decisions taken
ASSESSED = [1, 1, 2, 2, 3, 4, 5, 6]  # of which with a customer-impact assessment
CHANGED_AFTER_EXPOSURE = [0, 0, 0, 1, 2, 2, 3, 3]
# In the second quarter one decision is reversed with no exposure behind it: a change, but not
# one the programme can claim.
REVERSED_WITHOUT_EXPOSURE = 1

# The order in which executives joined; the fifth took part early and faded in the last three
# quarters (the fade the CX lead is warned about).
JOINING = [
    "sofia.lindqvist",
    "daniel.okafor",
    "maya.cohen",
    "grace.kim",
    "james.whitfield",
    "ingrid.berg",
    "tomas.novak",
    "lucas.moreau",
    "elena.rossi",
    "aisha.bello",
    "rahul.mehta",
    "kenji.sato",
]
FADING = "james.whitfield"
# Who owns what the frontline reports, by upstream decision area.
OWNERS = {
    "policy": ["sofia.lindqvist", "daniel.okafor"],
    "pricing": ["kenji.sato", "ingrid.berg"],
    "product_roadmap": ["maya.cohen", "lucas.moreau"],
    "platform": ["grace.kim", "tomas.novak"],
    "incentives": ["elena.rossi", "james.whitfield"],
    "other": ["aisha.bello", "rahul.mehta"],
}

YEARLY_HOLIDAYS = {(12, 25), (12, 26), (1, 1)}  # the holidays seed_demo records

# title, area, channel, customers a week, severity, policy, what happens to customers
REPORTS = [
    ("Refund over 50 euros needs a manager", "policy", "phone", 40, "high", "Refund policy 4.2",
     "Customers wait two days for a manager's callback before a larger refund is approved."),
    ("First bill after an upgrade looks wrong", "pricing", "email", 80, "medium", "",
     "Proration shows two partial charges; customers call to ask which one is real."),
    ("Cancelling needs a call to retention", "policy", "chat", 150, "high", "Retention policy",
     "Chat agents cannot cancel; customers are handed to a retention queue and wait."),
    ("Password reset e-mail arrives after the link expires", "platform", "email", 60, "high", "",
     "The link lasts ten minutes and the e-mail often takes longer; customers are locked out."),
    ("Billing option in the phone menu loops back", "platform", "phone", 120, "medium", "",
     "Option 2 then 1 returns to the main menu; customers press 0 and wait in the general queue."),
    ("Phone agents cannot see the customer's chat", "platform", "chat", 90, "medium", "",
     "Customers moving from chat to phone tell their story again from the start."),
    ("Bonus counts annual upgrades customers undo", "incentives", "phone", 20, "medium",
     "Sales incentive plan", "Customers pushed to annual plans call to undo them later."),
    ("Handle-time target cuts calls short", "incentives", "phone", 100, "high",
     "Contact centre scorecard", "Agents transfer hard calls to stay under six minutes."),
    ("No date for the export customers were promised", "product_roadmap", "email", 15, "low", "",
     "Enterprise customers ask every month when CSV export comes; agents have no answer."),
    ("Mobile app empties the basket on sign-in", "product_roadmap", "chat", 70, "medium", "",
     "Customers who sign in at checkout lose what they chose and abandon the order."),
    ("Late fee charged while a dispute is open", "pricing", "phone", 30, "high", "Collections",
     "Customers disputing a bill are charged a late fee on the amount they dispute."),
    ("Price rise letter hides the new total", "pricing", "email", 200, "medium", "",
     "The letter lists the changes but not what customers will pay; they call to find out."),
    ("Identity check asks for documents twice", "policy", "field", 45, "medium", "KYC 2.1",
     "Customers who sent documents online are asked for them again at the field visit."),
    ("Field visits only on weekdays", "policy", "field", 25, "medium", "Field service hours",
     "Working customers take a day off for an installation or wait weeks for a slot."),
    ("Chatbot cannot hand over after 6 pm", "platform", "chat", 110, "medium", "",
     "In the evening the bot answers in circles; customers give up or call the next morning."),
    ("Help-centre article shows last year's prices", "other", "email", 50, "low", "",
     "Customers quote the old price from our own help centre and feel misled at checkout."),
    ("Onboarding call booked before the device arrives", "product_roadmap", "field", 20, "low", "",
     "The welcome call comes before the box; customers have nothing to set up yet."),
    ("Referral reward paid only after 90 days", "incentives", "email", 12, "low",
     "Referral terms", "Customers who referred a friend call to ask where their reward is."),
]  # fmt: skip
ANSWERS = {
    Resolution.PRODUCT_CHANGE: "Product is changing how this works; it ships in the next release.",
    Resolution.PLATFORM_CHANGE: "Fixed on the platform; customers no longer see it.",
    Resolution.PROCESS_CHANGE: "The process and the agents' guide are changed; trained this week.",
    Resolution.NO_CHANGE: "We looked at it with finance and keep it as it is, for now.",
}
DECLINE_REASON = "The same friction is being handled through another report."
# area, title, the decision, who is affected, the expected effect, the decision once changed
DECISIONS = [
    ("policy", "Agents refund up to 100 euros without a manager",
     "Frontline agents approve refunds up to 100 euros on the call.",
     "Customers owed a refund: about 40 a week.", "No callback; refunds the same day.",
     "Up to 150 euros on the call; above that a manager checks it the same day."),
    ("pricing", "Proration shown as one line on the invoice",
     "The invoice after an upgrade shows one prorated line with its dates.",
     "Customers who change plan mid-month.", "Fewer calls about two charges.",
     "No proration at all: the new plan starts on the next billing date."),
    ("platform", "Password reset links last an hour",
     "Reset links stay valid for an hour instead of ten minutes.",
     "Customers locked out of their account.", "Fewer lockouts and calls to reset.",
     "Links last 24 hours and a second request does not cancel the first."),
    ("product_roadmap", "CSV export in the next release",
     "The account export ships in the next release, CSV first.",
     "Enterprise customers: about 15 accounts.", "An answer for customers who asked for it.",
     "Export ships as a scheduled e-mail as well, which customers asked for on the calls."),
    ("incentives", "Sales bonus paid on plans kept 90 days",
     "Annual-plan bonuses are paid when the customer is still on the plan after 90 days.",
     "Customers offered an annual plan.", "Fewer undone upgrades and angry first bills.",
     "The annual-plan bonus is removed; sales is paid on customers kept a year."),
    ("policy", "Cancel by chat",
     "Chat agents can cancel, after one retention offer.",
     "Customers who want to leave: about 150 a week.", "No transfer to a retention queue.",
     "Chat agents cancel when asked, with no retention offer."),
    ("pricing", "No late fee while a dispute is open",
     "Collections hold late fees on any amount under dispute.",
     "Customers disputing a bill: about 30 a week.", "No fee on money they may not owe.",
     "Disputes pause the whole bill's reminders, not only the fee."),
    ("platform", "Chat history visible to phone agents",
     "The phone agent's screen shows the customer's chats of the last 30 days.",
     "Customers moving from chat to phone.", "They tell their story once.",
     "Chats and e-mails of the last 90 days, with the bot's hand-off summary on top."),
    ("incentives", "Handle time off the agents' scorecard",
     "Agents are no longer measured on average handle time.",
     "Every caller with a hard problem.", "Fewer transfers and repeat calls.",
     "Replaced by first-contact resolution, measured from customers' callbacks."),
    ("policy", "Identity documents checked once",
     "Documents sent online are not asked for again at the field visit.",
     "New customers with a field installation.", "One check instead of two.",
     "Field engineers see the online check's result on their tablet and skip the step."),
    ("product_roadmap", "Keep the basket on sign-in",
     "The app keeps what a customer chose when they sign in at checkout.",
     "Mobile customers: about 70 a week.", "Fewer abandoned orders.",
     "The basket is kept across devices, as customers described on the calls."),
    ("pricing", "Price rise letters show the new total first",
     "Every price letter opens with what the customer will pay each month.",
     "Every customer whose price changes.", "Fewer calls to ask the new price.",
     "The letter also shows the cheaper plan that fits their use, when there is one."),
    ("platform", "The chatbot hands over at any hour",
     "After 6 pm the bot hands over to the night chat team.",
     "Evening chat customers: about 110 a week.", "An answer the same evening.",
     "The bot hands over after two failed answers at any hour, not only in the evening."),
    ("policy", "Saturday field visits",
     "Field visits are offered on Saturday mornings.",
     "Working customers who need a visit.", "No day off for an installation.",
     "Saturday all day, and evening slots twice a week."),
    ("other", "Help-centre prices from the price list",
     "Help-centre articles show prices read from the live price list.",
     "Customers reading the help centre.", "No old prices quoted back to us.",
     "Every page showing a price reads it from the price list, not only the help centre."),
    ("incentives", "Referral reward on the first bill",
     "The referral reward is credited on the friend's first paid bill.",
     "Customers who refer a friend.", "No call to ask where the reward is.",
     "Credited when the friend signs up, clawed back only if they leave in 30 days."),
    ("product_roadmap", "Welcome call after delivery",
     "The onboarding call is booked from the delivery confirmation.",
     "Customers with a shipped device.", "One useful call instead of two.",
     "Customers book the welcome call themselves from the delivery e-mail."),
    ("other", "One number for business customers",
     "Business customers get one number that reaches the business team.",
     "Business customers: about 60 a week.", "No transfer from the general queue.",
     "The business team also answers their chats, from the same queue."),
    ("platform", "Status page for outages",
     "A public status page shows outages and when they end.",
     "Every customer during an outage.", "Fewer calls asking whether it is down.",
     "Customers can subscribe to the status page by text message."),
    ("pricing", "Card surcharge removed",
     "No surcharge for paying by card.",
     "Customers paying by card.", "No surprise on the bill.",
     "Direct debit gets a small discount instead, stated on the sign-up page."),
    ("policy", "Refund status in the portal",
     "Customers see the state of their refund in the portal.",
     "Customers waiting for a refund.", "No calls to ask where the refund is.",
     "The portal also says when the money will arrive, by payment method."),
    ("incentives", "Team bonus on customer effort",
     "A share of the team bonus follows the customer-effort score.",
     "Every customer who contacts us.", "Agents rewarded for easy contacts.",
     "The whole team bonus follows customer effort and first-contact resolution."),
    ("product_roadmap", "Self-service plan change",
     "Customers change plan in the portal without calling.",
     "Customers changing plan: about 90 a week.", "No call to change plan.",
     "Downgrades too, which the first version left to the phone."),
    ("other", "Plain-language contracts",
     "Contracts are rewritten in plain language, one page of key terms first.",
     "Every new customer.", "Fewer calls about what the contract says.",
     "The key terms page is shown before signing, not only attached."),
]  # fmt: skip
# area, title, context: proposals turned down with nobody asking what it meant for customers.
REJECTED = [
    ("policy", "Phone support on Sundays", "Agents asked for Sunday cover after weekend outages."),
    ("pricing", "Waive the card surcharge", "Customers complain about the surcharge on the bill."),
    ("platform", "Longer password reset links", "Customers are locked out before the mail comes."),
    ("incentives", "Drop handle time from the scorecard", "Agents cut hard calls short."),
    ("product_roadmap", "Bring the export forward", "Enterprise customers keep asking for it."),
    ("policy", "Cancel by chat", "Chat agents hand every cancellation to retention."),
    ("other", "Rewrite the help centre", "Articles are out of date and quote old prices."),
    ("pricing", "One proration line on invoices", "Customers read two charges as double billing."),
    ("platform", "Chatbot hand-off in the evening", "The bot loops after 6 pm."),
    ("policy", "Weekend field visits", "Customers take a day off for an installation."),
    ("incentives", "Referral reward sooner", "Customers call to ask where their reward is."),
    ("product_roadmap", "Keep the basket on sign-in", "Mobile customers lose their basket."),
]  # fmt: skip
# what surprised them, what they would change, the friction seen
REFLECTIONS = [
    ("Most callers had already tried the portal and failed.", "Fix the portal's refund page.",
     "Refund status is not in the portal"),
    ("Agents apologise for our policies more than for mistakes.", "Review the refund limit.",
     "Refund limit forces a callback"),
    ("Customers read the price letter as a price rise on everything.", "Rewrite the letter.",
     "Price letter hides the new total"),
    ("The phone menu sent me round twice before I reached anyone.", "Cut the menu to 4 options.",
     "Billing option loops back"),
    ("Half the chats were people trying to cancel.", "Let chat agents cancel.",
     "Cancelling needs a transfer"),
    ("The agent had six screens open to answer one question.", "One view of the customer.",
     "Chat history not visible on the phone"),
]  # fmt: skip
REVIEW_MINUTES = "Owner confirmed; answer committed by the date below."
