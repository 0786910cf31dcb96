"""Demo payment details: where the demo's fees (HK, SG) are paid, so a quote shows them."""

from datarequests.models import Jurisdiction, PaymentDetails

DEMO_PAYEES = {
    "HK": ("HSBC Hong Kong (demo)", "004-000-000000-001", "HSBCHKHHHKH", "PO-HK-"),
    "SG": ("DBS Bank Singapore (demo)", "000-000000-0", "DBSSSGSG", "PO-SG-"),
}


def demo_payment_details_create() -> int:
    """Add demo payment details where a jurisdiction has none; return how many were added."""
    added = 0
    for code, (bank, account, bank_code, prefix) in DEMO_PAYEES.items():
        jurisdiction = Jurisdiction.objects.filter(code=code).first()
        if jurisdiction is None:
            continue
        _details, created = PaymentDetails.objects.get_or_create(
            jurisdiction=jurisdiction,
            defaults={
                "payee": "Zhejiang Foreign Trade Internet Ltd.",
                "bank_name": bank,
                "account_number": account,
                "bank_code": bank_code,
                "reference_prefix": prefix,
            },
        )
        added += created
    return added
