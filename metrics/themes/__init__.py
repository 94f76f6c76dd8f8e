"""Friction themes: what frontline text says, beyond the decision area a reporter picks.

What makes two reports the same theme
-------------------------------------
Two reports are in the same theme when the theme nearest to each of them is the same one.

- A report is read as its title and description only (not its area, channel, severity, team or
  reporter), as TF-IDF weights over the terms of the current fit: words of three letters or
  more and pairs of them ("password reset"), English stop words and numbers left out, used in
  at least 2 reports and in at most half of them. Rare shared words weigh most: "refund" and
  "manager approval" say more than "customers".
- A theme is one NMF component learnt from the reports' TF-IDF matrix: a set of terms that
  reports use together, each with a weight. It is named by its top terms ("refund · approval ·
  manager") until the CX lead names it.
- A report's nearest theme is the one with the highest cosine similarity between its TF-IDF
  vector and the theme's component. Below text.MIN_SIMILARITY (0.1) it is near no theme and
  stays unthemed (counted, listed as such; there is no "Other" theme, whose trend would mean
  nothing).

So "Refund approval takes too long" and "Agents cannot issue a refund: we escalate each refund
to a manager" are one theme (refund, manager, approval), whatever areas their reporters chose;
"Password reset link loops back to login" is another; "The coffee machine on floor three is
broken" is in none. metrics/tests/test_themes.py holds the fixed sample that shows it.

Themes persist
--------------
The nightly task (metrics.tasks.assign_friction_themes, 02:05; the 02:15 roll-up places what
it has not yet, before counting) places the reports filed since in the nearest existing theme
by that same rule, and never changes a theme: ids and names stay, so a theme's count per
quarter is a trend. The first run, with no themes yet, learns them (at least
text.MIN_REPORTS_TO_FIT reports). The CX lead may ask for a refit (/metrics/themes/): the
themes are learnt again from the newest reports, every report is placed again, every stored
quarter's theme counts are recomputed, and a name the CX lead gave goes to the new theme most
like the old one.

Modules: `text` (the model, no database), `services` (fit, place, rename, refit), `selectors`.
"""
