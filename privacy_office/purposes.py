"""The nine purposes of use in section B of the privacy policy, in the policy's own words."""

from django.utils.translation import gettext_lazy as _

# code -> (short title for pages and tables, the policy's wording)
PURPOSES: dict[str, tuple[str, str]] = {
    "B1": (_("Verify identity"), "Verify your identity"),
    "B2": (
        _("Verify eligibility to register"),
        "Verify that you are eligible to register as a user of the site;",
    ),
    "B3": (
        _("Registration and login"),
        "Process your registration as a user, provide you with the login ID of the website "
        "and maintain and manage your registration;",
    ),
    "B4": (
        _("Customer service"),
        "To provide you with customer service and respond to your inquiries, feedback, "
        "claims or disputes;",
    ),
    "B5": (
        _("Trading between buyers and sellers"),
        "Promote communication between buyers and sellers on the site and process your "
        "transactions on the site;",
    ),
    "B6": (
        _("Research, statistics and site improvement"),
        "Conduct research or statistical analysis to improve the content and layout of the "
        "website, improve our products and services, and for marketing and promotional purposes;",
    ),
    "B7": (
        _("Marketing and memberships"),
        "We (including our affiliates and their designated service providers (as defined in C.1 "
        "below)) may use your name, phone number, address, e-mail address, fax number (as defined "
        'by applicable law) Numbers, and other data ("Marketing Data") provide us with notices, '
        "surveys, product alerts, communications and other marketing materials about the goods "
        "and services we provide on the Site, including but not limited to Gold Supplier "
        "Membership, Membership Certification, Free membership (for each Gold membership, "
        'Certified membership, Free membership, Membership, collectively, "Membership"), added '
        "value of membership, as well as from time to time our and / or our affiliates and their "
        "designated service providers Other products and services provided by members of these "
        "websites;",
    ),
    "B8": (
        _("Publishing voluntary information"),
        "If you voluntarily submit any information to the Website for posting on the Website "
        "through publishing tools, including but not limited to company or business profiles, "
        "product catalogs, trade information, Integrity profiles, business trusts and any forums, "
        'you are deemed To agree to post such information on the Website ("Voluntary '
        'Information");',
    ),
    "B9": (
        _("Disclosure required by law or claims"),
        "Disclosure in accordance with any of the above objectives or laws, rules and guidelines, "
        "or any investigation, claim or potential claim we file or object to.",
    ),
}

# The lawful basis of each purpose (GDPR Art. 6(1)), for the record of processing (Art. 30);
# the check privacy_office.W001 warns about a purpose without one.
LEGAL_BASES: dict[str, str] = {
    "B1": "Art. 6(1)(b) contract: steps the user asks for before and while holding an account",
    "B2": "Art. 6(1)(b) contract: who may become a party to the user agreement",
    "B3": "Art. 6(1)(b) contract: providing and managing the account",
    "B4": "Art. 6(1)(b) contract; Art. 6(1)(f) legitimate interests in resolving disputes",
    "B5": "Art. 6(1)(b) contract: the trades between buyers and sellers",
    "B6": "Art. 6(1)(f) legitimate interests: improving the site, in aggregate",
    "B7": "Art. 6(1)(a) consent for electronic marketing; Art. 6(1)(f) for members' services",
    "B8": "Art. 6(1)(a) consent: information the user chose to publish",
    "B9": "Art. 6(1)(c) legal obligation; Art. 6(1)(f) establishing or defending claims",
}
