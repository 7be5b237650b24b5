"""A trainer's preview shows what the customer can see: per issue what was asked, answered,
promised (and when) and got wrong, the facts given, whether it waits for the agent to close, and
what each agent turn did to the issue. Through the real app (the no-JavaScript form)."""

from __future__ import annotations

from bs4 import BeautifulSoup

from server.accounts import get_user_by_email
from server.paths import SCENARIOS_DIR
from server.services.practice import start_preview


def test_the_preview_shows_the_customers_state(login, db) -> None:  # type: ignore[no-untyped-def]
    trainer = login("trainer@demo.local")
    user = get_user_by_email(db, "trainer@demo.local")
    assert user is not None
    yaml_text = (SCENARIOS_DIR / "multi_issue_ecommerce_return_and_address.yaml").read_text()
    preview = start_preview(db, user, yaml_text, return_url="/trainer/scenarios")
    db.commit()
    for line in [
        "What's the new address?",
        "I will send you a returns label today so you can swap the boots for a size 39.",
    ]:
        trainer.submit(f"/practice/{preview.id}/say", {"text": line})
    page = BeautifulSoup(trainer.page(f"/practice/{preview.id}").text, "html.parser")
    panel = page.select_one("#preview-state")
    assert panel is not None
    rows = {row.th.get_text(strip=True): row for row in panel.select("tbody tr")}
    address = rows["Her account still has the old flat as the default address."]
    assert "“What's the new address?”" in address.get_text()
    boots = rows["Boots in size 38 need swapping for a 39, sent to her new address."]
    assert "(today)" in boots.get_text() and "resolved" in boots.get_text()
    metas = [meta.get_text() for meta in page.select(".msg-customer .msg-meta")]
    assert any("you asked default_address" in meta for meta in metas), metas
    assert any("you resolved boots_exchange" in meta for meta in metas), metas


def test_practice_pages_show_no_state(login, db) -> None:  # type: ignore[no-untyped-def]
    agent = login("agent1@demo.local")
    agent.page("/agent")
    response = agent.submit("/practice", {"scenario_id": "hostile_telecom_outage"})
    page = agent.page(response.url.path)
    assert "preview-state" not in page.text
