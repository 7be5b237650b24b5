"""Failure classes found on conversations written blind (tests/scorer/blind), each pinned here
in new words: what the markers, the asks and the behaviors now read, and what they must not."""

from __future__ import annotations

from typing import Any

import pytest

import scorer
from scorer.asks import asks_in, inverted_question_at
from scorer.conversation import Conversation
from scorer.markers import detect
from scorer.transcript import Transcript


def names(text: str, context: tuple[str, ...] = ()) -> set[str]:
    return {hit.marker for hit in detect(text, context=context)}


def conversation(*lines: str, **extra: Any) -> Transcript:
    """Customer and agent lines in turn, the customer first."""
    speakers = ("customer", "agent")
    return Transcript.from_dict(
        {
            "turns": [{"speaker": speakers[i % 2], "text": line} for i, line in enumerate(lines)],
            **extra,
        }
    )


def timed(*lines: tuple[str, float, float]) -> Transcript:
    speakers = ("customer", "agent")
    return Transcript.from_dict(
        {
            "channel": "voice",
            "turns": [
                {"speaker": speakers[i % 2], "text": text, "start": start, "end": end}
                for i, (text, start, end) in enumerate(lines)
            ],
        }
    )


def level(transcript: Transcript, behavior: str) -> str:
    return scorer.score(transcript, behaviors=[behavior]).behaviors[behavior].level


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ("I've refunded the £18.20 to your card already.", "ownership_commitment"),
        ("at three i'll ring the depot myself and text you the answer", "ownership_commitment"),
        ("As I say, the meter reading is fine.", "repeat_reference"),
        ("I've answered that twice now, it's not refundable.", "repeat_reference"),
        ("It's the same as before, press hold then reset.", "repeat_reference"),
        ("I did give you that one a minute ago, it's Tuesday.", "repeat_reference"),
        ("Well that's not on me, the courier booked it.", "defensive"),
        ("If you'd just listen to what I'm telling you.", "defensive"),
        ("I can only go by what the system shows me.", "defensive"),
        ("Getting angry with me won't get the van there faster.", "told_to_calm_down"),
        ("Break-ins like this are always upsetting.", "generic_empathy"),
        ("Are you aware of our Gold breakdown cover?", "cross_sell"),
        ("By the way, our student pass would save you a fifth on every trip.", "cross_sell"),
        ("so for next time we do offer our transit cover it's a small extra", "cross_sell"),
        ("i can see you're not on any of our breakdown plans at the moment", "cross_sell"),
        # a product sold by what it would give them
        ("With a Platinum card you get lounge access on every trip.", "cross_sell"),
        ("Customers on Home Plus never wait more than a day for an engineer.", "cross_sell"),
        ("With SafeStore, our storage cover, you'd be protected next time.", "cross_sell"),
        ("are you signed up to our drain cover plan at all", "cross_sell"),
        ("Before I suggest one, what do you mostly use the tablet for?", "customer_job_reference"),
        ("How often do you print, roughly?", "customer_job_reference"),
        ("Before I suggest anything: what do you actually use it for?", "customer_job_reference"),
        # pointing back at an earlier answer, in so many words
        ("It's the same process as before, Maureen: upload the form.", "repeat_reference"),
        ("Same number I gave you earlier, forty two pounds.", "repeat_reference"),
        ("i've just said it goes out on friday", "repeat_reference"),
        ("I've told you, it needs the landlord's signature.", "repeat_reference"),
        ("Yes. Monday. That's what I've been telling you.", "repeat_reference"),
        ("As explained, the deposit stays on hold for seven days.", "repeat_reference"),
        # declining to answer again, politely or not
        ("We've been through that, Mrs Obi. Shall I keep the Friday slot?", "repeat_reference"),
        ("I'd just be repeating myself.", "repeat_reference"),
        ("There's no other answer, it's a voucher.", "repeat_reference"),
        ("No. Already answered.", "repeat_reference"),
        ("We covered that at the start of the call.", "repeat_reference"),
        ("It's the monthly figure I gave you.", "repeat_reference"),
        ("i told you twenty minutes he's on his way", "repeat_reference"),
        ("Same address as earlier, the depot on Mill Lane.", "repeat_reference"),
        ("It's all in the email we sent you on Monday.", "repeat_reference"),
        ("Thursday, per my last message.", "repeat_reference"),
        ("It's in the chat twice now. Thursday.", "repeat_reference"),
        ("Two hundred. We've done this.", "repeat_reference"),
        ("That's all in what I went through a minute ago.", "repeat_reference"),
    ],
)
def test_the_markers_read_the_class(text: str, marker: str) -> None:
    assert marker in names(text)


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ("I've logged it and passed it to the team.", "ownership_commitment"),
        ("Let me find it, the order for today.", "ownership_commitment"),
        ("I appreciate your patience.", "generic_empathy"),
        ("lovely can i grab the postcode for the account", "generic_empathy"),
        ("I can switch the delivery to Monday.", "generic_empathy"),
        ("The tariff is the same price as before.", "repeat_reference"),
        ("I've told you everything the courier told us.", "repeat_reference"),
        ("I told you I'd call back before five, and here I am.", "repeat_reference"),
        ("We covered the roof in the survey.", "repeat_reference"),
        ("With a current account you can pay bills online.", "cross_sell"),
        ("Payment is per my last invoice terms.", "repeat_reference"),
    ],
)
def test_service_talk_is_not_read_as_the_class(text: str, marker: str) -> None:
    assert marker not in names(text)


def test_a_spoken_question_is_an_ask_from_its_word_order() -> None:
    run = "yeah it came today but half of it is missing am i getting a refund for the rest of it"
    (ask,) = asks_in(run)
    assert "refund" in ask.intents
    assert inverted_question_at("the laptop was in it do you remember which coach") is not None
    assert inverted_question_at("i don't know what it is to be honest") is None


def test_a_repeat_in_other_words_in_speech_is_seen() -> None:
    calls = conversation(
        "hiya the car's broken down on the bypass it's freezing how long's someone gonna be",
        "the nearest van is forty minutes away so about ten past seven",
        "okay and sorry what time did you say he'd be here my phone's nearly dead",
        "ten past seven, and he has your location even if your phone dies",
    )
    assert Conversation(calls).repeats  # the time asked again, in other words
    assert level(calls, "patience_under_repetition") != "n/a"


def test_a_new_question_about_the_same_booking_is_not_a_repeat() -> None:
    calls = conversation(
        "I've got a van booked with you for Friday. What time does the depot open?",
        "The depot opens at seven.",
        "And on the way back, what time do I have to return the van by?",
        "By six the next evening.",
    )
    assert Conversation(calls).repeats == {}


def test_a_pitch_before_the_service_is_done_is_poor() -> None:
    call = conversation(
        "I need to pause my membership for two months after my operation.",
        "So you want to keep your membership but pause it for two months while you recover. "
        "While I've got you, have you heard about our Premium plan? It adds the spa for twelve "
        "pounds a month.",
        "No thanks, I just want the pause.",
        "No problem. I've set up the pause from the first of next month.",
    )
    # led by the customer's job, which alone would leave it average: the pitch came first
    assert level(call, "customer_language") == "poor"


def test_a_word_the_customer_has_to_ask_about_is_not_plain_language() -> None:
    call = conversation(
        "my van's been hit from behind at the lights",
        "okay the engineer might class it a cat s and then we settle rather than repair",
        "sorry what's a cat s",
        "it's a category for how bad the damage is",
    )
    assert level(call, "clarity") == "average"


def test_a_customer_fast_from_the_first_word_is_hurried() -> None:
    hurried = "my train's cancelled and I have to be at my father's funeral by ten tomorrow morning"
    call = timed(
        (hurried, 0.0, 4.0),  # 4.25 words a second from the start
        ("I'm so sorry. Let me find you a way there tonight.", 5.8, 10.0),
        ("anything at all I'll stand the whole way I just have to be there by morning", 10.4, 14.0),
        # the agent answers slower than before (2 words a second, after 1.8 s)
        ("There's a seat on the eight forty tonight. I've booked it for you.", 15.8, 22.3),
    )
    # the customer never speeds up against their own first line: without the absolute pace
    # this would not be tested at all
    assert level(call, "tone_calibration") == "good"


def test_telling_the_customer_what_to_do_is_not_naming_their_impact() -> None:
    call = conversation(
        "My pension transfer was due on the first and it still has not arrived. My rent goes "
        "out on Friday and the landlord has already chased me.",
        "Okay. Can I take your policy number?",
        "P 4 4 1 9. The rent is due Friday.",
        "You would need to take the rent up with your landlord, the transfer goes out on Friday.",
    )
    assert level(call, "impact_naming") == "poor"


def test_their_situation_judged_without_a_you_is_their_impact() -> None:
    call = conversation(
        "Our fridge died on Saturday and we have been keeping my daughter's insulin in a cool "
        "box with ice packs all weekend.",
        "Keeping a child's insulin in a cool box all weekend is grim. Let me book the engineer "
        "for tomorrow morning.",
    )
    assert level(call, "impact_naming") == "good"


def test_an_offer_to_do_something_for_them_is_not_a_story_of_ones_own() -> None:
    assert "generic_empathy" not in names("It's free to join and I can sign you up today.")
    assert "generic_empathy" not in names("I could squeeze you in at four.")
    # sympathy in the same form is still sympathy
    assert "generic_empathy" in names("I can imagine how tired you are.")


def test_a_new_kind_of_question_about_the_complaint_is_not_a_repeat() -> None:
    calls = conversation(
        "My washing machine stopped mid-cycle on Tuesday and the door locked with the washing "
        "inside. The engineer visit cost me sixty pounds.",
        "I'm sorry. I've refunded the sixty pounds and the part is covered.",
        "Thanks. How do I stop the washing machine door locking like that again?",
        "Run the drain programme before you open it; the lock lets go once the water's out.",
    )
    assert Conversation(calls).repeats == {}
    assert level(calls, "patience_under_repetition") == "n/a"


def test_money_back_and_time_asked_in_other_words_are_the_same_kind_of_ask() -> None:
    (ask,) = asks_in("Can't it just go back on the card?")
    assert "refund" in ask.intents
    (ask,) = asks_in("so what am i looking at time wise if i drop it off at nine")
    assert "time" in ask.intents


def test_a_promise_left_to_someone_in_other_words_is_nobodys() -> None:
    call = conversation(
        "hi my laptop's been at your repair centre two weeks and i need it for my exams on monday",
        "i can see it's waiting on a part",
        "so when will it be done",
        "the part's due in sometime next week and someone'll ring you when it's fitted",
    )
    assert level(call, "ownership") == "poor"
    complaint = conversation(
        "You charged my card twice for the same order and it's put me in my overdraft.",
        "I can see both payments on the order.",
        "So are you giving the second one back?",
        "You can raise a dispute if you like and someone in disputes might be able to look at it.",
    )
    assert level(complaint, "ownership") == "poor"


def test_asking_to_lift_a_block_calls_for_a_commitment() -> None:
    call = conversation(
        "My card's been blocked since lunch and I'm stuck at the petrol station.",
        "I can see a fraud hold was placed at 12:40.",
        "Can you unblock it? I can't pay for the fuel.",
        "Reviews are completed in the order they come in.",
    )
    assert level(call, "ownership") == "poor"


def test_a_note_or_passing_it_on_is_no_promise() -> None:
    call = conversation(
        "Your courier left my parcel in the bin store and it's gone. I need a replacement.",
        "I'm sorry. I'll put a note on the account.",
        "And the replacement?",
        "I'll pass it across to the claims team, they'll be in touch.",
    )
    assert level(call, "ownership") == "poor"


def test_a_nervous_customer_checking_again_is_not_escalating() -> None:
    calls = conversation(
        "Hi, my flight home is on Thursday and my passport renewal still says processing.",
        "It was approved this morning and goes out by courier tomorrow.",
        "Okay, thank you. And will it still be with me before Thursday?",
        "Yes, the courier delivers by Wednesday at the latest.",
        "Sorry, I'm a bit paranoid about this. So the passport will still get here before "
        "Thursday?",
        "It will, by Wednesday, and you'll get a text with the tracking tonight.",
        "Okay so worst case it comes Wednesday. Should I keep checking the tracking?",
        "Yes, the text tonight has the link.",
    )
    assert level(calls, "deescalation") == "n/a"


def test_the_next_item_of_the_customers_list_is_not_a_repeat() -> None:
    calls = conversation(
        "My renewal letter mentions an excess waiver, a no-claims step-back and a courtesy car "
        "limit. What do they all mean?",
        "I'll take them in turn. The excess waiver means you pay nothing towards repairs when "
        "someone else hit you.",
        "Okay. And the no-claims step-back?",
        "If you claim, your discount drops back two years rather than to zero.",
        "And the courtesy car limit, what's that?",
        "You get a small car for up to fourteen days while yours is repaired.",
    )
    assert Conversation(calls).repeats == {}
    assert level(calls, "patience_under_repetition") == "n/a"


def test_a_time_asked_inside_another_question_comes_back_as_a_repeat() -> None:
    (ask,) = asks_in("Do you know when we'll get the keys?")
    assert "time" in ask.intents
    assert "repeat_reference" in names("Right, one more time: the keys are released on Friday.")


def test_a_dodged_question_asked_again_is_still_a_repeat() -> None:
    calls = conversation(
        "My parcel was due Tuesday. Where is the parcel now?",
        "Thanks for your patience, I'm looking at the account.",
        "So where is the parcel?",
        "It's at the Leeds depot and goes out on the van tomorrow morning.",
    )
    assert 2 in Conversation(calls).repeats


def test_steps_put_as_a_condition_are_not_naming_their_impact() -> None:
    call = conversation(
        "I'm locked out of the banking app and my rent goes out tomorrow, I need to check the "
        "money's there.",
        "Okay. If you delete the banking app and log back in with your card, you can check the "
        "rent money straight away.",
    )
    assert level(call, "impact_naming") != "good"


def test_their_plan_taken_up_as_it_stands_leads_with_their_job() -> None:
    call = conversation(
        "Hi, I am spending most of June at a holiday park in Cornwall with no wifi. I need to "
        "keep working, with a video call every morning. Will your dongle cope?",
        "Hi Sam, a month of working from a holiday park is very doable. Could you send me the "
        "postcode so I can check the signal there first?",
    )
    assert level(call, "customer_language") == "good"


def test_a_circumstance_the_customer_never_gave_is_not_their_impact() -> None:
    call = conversation(
        "My gym membership was cancelled by mistake and the classes I paid for this month have "
        "gone.",
        "I know how disappointing it is to lose classes you've paid for, especially when you're "
        "training for a marathon with your running club. Can I take your member number?",
    )
    assert level(call, "impact_naming") == "average"


def test_impact_the_customer_sets_right_was_not_named() -> None:
    call = conversation(
        "The removals team left a dent in the lift and the building's charging me for it.",
        "Oh no, I'm sorry, that must be so embarrassing with your new neighbours watching you "
        "move in.",
        "It's not about the neighbours. It's the £300 the building wants by Friday.",
        "Okay, I've raised a damage claim and the team leader will review it.",
    )
    assert level(call, "impact_naming") == "poor"


def test_the_agent_reading_its_screen_after_thanks_is_not_their_impact() -> None:
    call = conversation(
        "hi my hearing aid stopped working on friday and my granddaughter's wedding is saturday",
        "okay thank you so i can see your hearing aid stopped on friday and you've got the "
        "wedding on saturday so the warranty covers a replacement",
    )
    assert level(call, "impact_naming") != "good"


def test_an_offer_of_the_dates_left_is_not_their_impact() -> None:
    call = conversation(
        "You've double-booked our hall for the christening on the ninth, sixty guests are invited!",
        "thank you so the ninth was reserved by another family before you and the dates we can "
        "offer are the sixteenth or the twenty third do you want me to hold one",
    )
    assert level(call, "impact_naming") != "good"


def test_an_exam_in_capitals_is_not_shouting() -> None:
    calls = conversation(
        "Hi, my son's laptop died and he has his GCSE coursework due on Monday.",
        "I'm sorry, that's a worrying time for him. I'll book the repair for tomorrow morning.",
    )
    assert not Conversation(calls).escalated_turns


def test_a_written_question_without_its_mark_comes_back_as_a_repeat() -> None:
    chat = conversation(
        "Got a text saying my parcel went to a locker. I wasn't even out?? Where do I get it from",
        "It's at the Co-op locker on Mill Road, code 4821.",
        "Ok. How long before it goes back?",
        "It stays there 72 hours.",
        "Sorry, scrolling back, where exactly am I picking this up from?",
        "The Co-op on Mill Road, the grey lockers by the door, code 4821.",
    )
    assert Conversation(chat).repeats
    assert level(chat, "patience_under_repetition") == "good"  # a place answers "where"


def test_how_do_i_in_a_run_of_speech_is_asked_again_without_its_subject() -> None:
    call = conversation(
        "i don't want to pay i paid already how do i stop this charge",
        "you dispute it",
        "okay but i don't know how to do that what do i actually do",
        "you dispute it online and then it goes to the ombudsman",
    )
    assert Conversation(call).repeats


def test_the_loop_named_to_blame_the_customer_is_poor() -> None:
    chat = conversation(
        "I asked for a trim. You shaved her!",
        "Our notes say she was matted.",
        "She was NOT matted. I brush her daily!",
        "The notes say matted.",
        "She was NOT matted!!",
        "We're going round in circles here, Fiona. If you'd read the terms you'd know this "
        "could happen.",
    )
    assert level(chat, "deescalation") == "poor"


def test_acronyms_in_lower_case_speech_are_internal_terms() -> None:
    assert "jargon" in names("right so the dlm's capped the line and the sla is forty eight hours")
    assert "jargon" not in names("hmm okay mr jones the engineer comes at nine")
    call = conversation(
        "hi my internet keeps dropping every evening and i work from home",
        "okay so it's a k fault the dlm has banded your profile and wholesale have an sla of "
        "forty eight hours",
        "sorry a what fault what does that mean",
        "it's with wholesale now so the dp gets checked within the sla",
    )
    assert level(call, "clarity") == "poor"


def test_empty_replies_with_gaps_growing_are_poor_not_a_dip() -> None:
    call = timed(
        (
            "hi my dental crown came off last night while i was eating and it's really sore, i've "
            "been in the queue forty minutes",
            0.0,
            8.0,
        ),
        ("Date of birth.", 9.8, 10.6),
        ("twelfth of june nineteen eighty", 11.2, 13.2),
        ("There's nothing with Dr Whitfield until the nineteenth I'm afraid.", 15.0, 18.6),
        (
            "the nineteenth? that's over a week, it really hurts, is there anyone else who could "
            "see me",
            19.4,
            24.4,
        ),
        ("There's a hygienist list but that's not for crowns really.", 28.9, 32.4),
        ("so is it just the nineteenth then?", 33.2, 35.0),
        ("Yep.", 40.6, 41.0),
        ("and what do i do with the crown, do i keep it", 41.8, 44.0),
        ("Keep it in a bag and don't try gluing it back yourself. Anything else?", 50.7, 55.0),
    )
    assert level(call, "self_regulation") == "poor"


def test_a_promise_inside_a_run_of_speech_is_owned_without_a_time() -> None:
    call = conversation(
        "hi the aerial on the roof blew over in the storm and we've had no picture since friday",
        "right that's the aerial not the telly so there's nothing you can do from inside i'll "
        "get an engineer out to you to put it back up and the callout won't be charged",
        "okay when will that be",
        "you'll get a text with the date they're usually quick after storms",
    )
    assert level(call, "ownership") == "average"


def test_no_summary_is_owed_when_the_customer_walks_away() -> None:
    chat = conversation(
        "Hi, my mortgage offer hasn't arrived and my solicitor needs it today.",
        "Let me check that for you.",
        "Any news? It's been twenty minutes.",
        "One moment please, still checking.",
        "Forget it, I'll ring our broker on his mobile. Bye.",
    )
    assert level(chat, "forwardable_summary") == "n/a"


def test_impact_named_after_fixes_in_other_words_is_after_the_fix() -> None:
    call = conversation(
        "My van's been off the road four days and I'm a carer, I've got clients to get to every "
        "morning and I'm paying for taxis.",
        "Let me pull up the lease. You're past the forty-eight hours, so I can book you a "
        "courtesy van from the Leeds branch for tomorrow at eight.",
        "Okay, thank you.",
        "I've just added the taxi receipts to your claim as well.",
        "Great.",
        "And I'm sorry. You've got clients waiting on you every morning and you've been paying "
        "taxis out of your own wages to reach them.",
    )
    assert level(call, "impact_naming") == "average"


def test_a_consequence_in_plain_words_names_their_impact() -> None:
    call = conversation(
        "hi my mum's inhaler delivery never came yesterday she's on her last one and i can't "
        "leave her on her own",
        "okay so she's on her last inhaler and you're stuck at home with her so you can't just "
        "go and pick one up yourself let me find the parcel",
    )
    assert level(call, "impact_naming") == "good"
    chat = conversation(
        "Third time I've come in about this tooth. Two buses each way and I haven't slept for "
        "three nights.",
        "Three nights without sleep, two buses each way, and you're stood here with the same "
        "tooth. Let me see who can look at it today.",
    )
    assert level(chat, "impact_naming") == "good"


def test_the_account_read_back_is_not_their_impact() -> None:
    call = conversation(
        "hi my son had a reaction to your peanut sauce last night we were in a and e till three "
        "and the box said nut free on the family plan recipe",
        "okay let me bring up the account so i've got you on the family plan four people three "
        "recipes a week with the nut free option",
    )
    assert level(call, "impact_naming") != "good"


def test_a_calm_check_asked_a_third_time_is_not_heat() -> None:
    call = conversation(
        "yeah hi i'm picking up a car from you at stansted tomorrow morning and i wanted to "
        "check how much you're gonna block on my credit card for the deposit",
        "hi there so for the economy class you've booked the deposit hold is eleven hundred "
        "pounds it's not taken as a payment it's just blocked on the card and released once the "
        "car comes back without damage",
        "eleven hundred okay and it has to be a credit card not debit",
        "yes it has to be a credit card in the main driver's name we can't take debit cards for "
        "the hold",
        "right and how long till it's released after i drop it off",
        "we release it the day you return the car but your bank can take up to ten working days "
        "to show it as available again",
        "okay um sorry so the the amount you're holding it's how much i've only got about a "
        "fourteen hundred limit on this card",
        "it's eleven hundred pounds for the economy class so with a fourteen hundred limit you'd "
        "have about three hundred left for the trip",
        "hang on so without the cover the block is eleven hundred yeah",
        "yes it's eleven hundred without the cover and three hundred with it",
    )
    assert Conversation(call).loops  # the hold amount, a third time
    assert level(call, "deescalation") == "n/a"


def test_a_bare_sorry_before_the_facts_is_generic_empathy_average() -> None:
    chat = conversation(
        "My storage unit has a red lock on it and I need my tools out for a job at seven tomorrow.",
        "Oh sorry about that. I can see the lock on C14, it went on because of £84 outstanding "
        "from March.",
        "I didn't know anything was outstanding.",
        "If you pay the £84 now I'll ring the site manager and he'll take the lock off today.",
    )
    assert level(chat, "impact_naming") == "average"


def test_sympathy_for_the_wrong_thing_set_right_by_the_customer_is_not_received() -> None:
    call = conversation(
        "My new glasses have the wrong lenses in, everything's blurred and I drive a bus for "
        "a living.",
        "Oh no, sorry to hear you're not happy with the frames. Most people take a week to get "
        "used to a new style.",
        "It's not the frames. I can't see the road.",
        "Okay, I'll send them back to the lab, it's seven to ten working days.",
    )
    assert level(call, "impact_naming") == "poor"


def test_the_same_question_after_a_dodge_is_a_repeat_not_the_next_item() -> None:
    chat = conversation(
        "Hi, I rent locker B7 at your Northgate site. I'm moving on Saturday and need my boxes "
        "out early. Can I get into my locker on Saturday?",
        "Hi Femi, our Northgate office is open Monday to Friday, and we hire out trolleys too.",
        "That's not what I asked. Can I get into my locker on Saturday or not?",
        "Sorry, I missed your question. Yes: the gate opens at 6am on Saturday with your code.",
    )
    assert Conversation(chat).repeats


def test_a_time_asked_again_about_her_is_a_repeat() -> None:
    chat = conversation(
        "I sent £400 to my daughter's account in Lisbon this morning. When will she receive it?",
        "It normally arrives within one working day, so by tomorrow afternoon.",
        "Ok. Will she get exactly 400 euros or less?",
        "A little less: the rate today gives her about 458 euros after the fee.",
        "Understood. So she should have it by tomorrow, yes? She has rent to pay on Friday.",
        "Yes, by tomorrow afternoon, well before Friday, and I'll message you when it lands.",
    )
    assert Conversation(chat).repeats


def test_a_choice_left_open_at_the_end_of_speech_is_a_question() -> None:
    (ask,) = asks_in("the bus pass is okay for the tram or no")
    assert "tram" in ask.topics
    assert asks_in("so the milk from the fridge we can use it or not")
    assert not asks_in("the bus pass is fine for the tram")


@pytest.mark.parametrize(
    "impatient",
    [
        "I've already told you, the courier comes on Thursday.",
        "Thursday. That's what I've been saying all along.",
        "We've been over this, it comes on Thursday.",
        "Please refer back to my earlier reply, it comes on Thursday.",
        "i told you thursday the van's full till then",
    ],
)
def test_pointing_back_with_impatience_at_a_repeat_is_poor(impatient: str) -> None:
    chat = conversation(
        "Hi, I ordered a washing machine from you last week. When does it get delivered?",
        "Hi Priya, it's booked for Thursday between eight and twelve, and the driver texts you "
        "the hour the evening before.",
        "Sorry, so when does the washing machine actually come?",
        impatient,
    )
    assert level(chat, "patience_under_repetition") == "poor"


def test_pointing_back_mildly_with_the_whole_answer_stays_average() -> None:
    chat = conversation(
        "Hi, I ordered a washing machine from you last week. When does it get delivered?",
        "Hi Priya, it's booked for Thursday between eight and twelve, and the driver texts you "
        "the hour the evening before.",
        "Sorry, so when does the washing machine actually come?",
        "As I mentioned, it's Thursday between eight and twelve, and the driver texts you the "
        "exact hour on Wednesday evening so you can plan around it.",
    )
    assert level(chat, "patience_under_repetition") == "average"


def test_one_clipped_reply_in_a_call_whose_replies_slow_down_is_poor_self_regulation() -> None:
    call = timed(
        ("Hi, my council tax direct debit went out twice this month. Can you check it?", 0, 5),
        (
            "Of course. Can you give me your account reference and the first line of your "
            "address, please?",
            6.2,
            10,
        ),
        ("It's 40022817, and it's 12 Fern Close.", 11, 14),
        (
            "Thanks. I can see both payments of one hundred and twelve pounds on the first and the "
            "third of the month.",
            15.5,
            21,
        ),
        ("So will the second one come back to me? I've got rent going out on Friday.", 22, 27),
        ("Yep.", 33, 33.5),
        ("When, though? Before Friday?", 34, 36),
        ("Three to five working days from today, it goes back to the same bank account.", 42.5, 47),
        ("Okay. And will it happen again next month?", 48, 51),
        (
            "No, the duplicate was a one-off from the system change, next month is one payment.",
            58,
            63,
        ),
    )
    assert level(call, "self_regulation") == "poor"


def test_their_impact_said_back_with_a_check_tag_is_named() -> None:
    call = conversation(
        "My oven packed in on Friday and I've got twelve people coming for Christmas dinner on "
        "Wednesday. Can someone come out?",
        "Oh no. So you've got twelve people coming for Christmas dinner on Wednesday and no oven "
        "to cook it in, have I got that right?",
        "Yes, exactly that.",
        "I'll book an engineer for Monday morning between eight and twelve, so it's working "
        "before Wednesday.",
    )
    assert level(call, "impact_naming") == "good"


def test_pointing_back_at_their_situation_is_not_naming_their_impact() -> None:
    call = conversation(
        "Hi, a lorry clipped my van this morning. It still drives but the back doors won't lock, "
        "and I carry all my plumbing tools in it. Will I get a hire van?",
        "I'll check your policy for you now.",
        "Thanks. I can't leave the tools in a van that won't lock overnight.",
        "Your policy includes a hire van while yours is repaired at one of our garages, and the "
        "garage hands it over the day they take your van in.",
        "And what if they can't take it in until next week? The back doors won't lock and my "
        "tools are in there.",
        "Like I say, the hire van starts the day they take your van in, and your tools can go "
        "straight into it.",
    )
    assert level(call, "impact_naming") == "poor"


@pytest.mark.parametrize(
    "promise",
    [
        "I'll book the fitter for the twelfth between nine and one.",
        "I'll post the replacement key on 4 April.",
        "I'll ring you in the morning with the name of the fitter.",
        "I'll text you the evening before with the exact hour.",
        "I'll send the corrected invoice by the 28th.",
        "I'll email you the survey report next week.",
    ],
)
def test_a_promise_timed_by_a_date_or_a_slot_is_owned(promise: str) -> None:
    assert "ownership_commitment" in names(promise)
    call = conversation(
        "Our front door lock snapped this morning and the landlord says you're the contractor. "
        "Can you get someone out?",
        promise,
        "Thank you.",
    )
    assert level(call, "ownership") == "good"


def test_an_ordinal_that_is_not_a_date_does_not_time_a_promise() -> None:
    assert "ownership_commitment" not in names("I'll look at it for the second time.")


def test_names_everyone_knows_in_capitals_are_not_jargon() -> None:
    assert "jargon" not in names("The match is on BBC One tonight, and DHL bring the box tomorrow.")
    assert "jargon" in names("The ONT shows a LOS light, so the OLT has dropped you.")


@pytest.mark.parametrize(
    "pitch",
    [
        "First, can I ask if you're a StreamMax Premium member?",
        "If you moved up to our HomeShield Plus cover, a leak like this would be covered.",
        "If you take out BoilerCare today, next time the engineer is free.",
        "Shall I email you the BoilerCare quote as well?",
        "Would you like a quote for HomeShield Plus while I'm at it?",
    ],
)
def test_a_named_product_put_as_a_question_or_a_condition_is_a_cross_sell(pitch: str) -> None:
    assert "cross_sell" in names(pitch)


def test_a_quote_or_a_condition_about_the_job_itself_is_not_a_cross_sell() -> None:
    assert "cross_sell" not in names("I'll send you a quote for the new radiator today.")
    assert "cross_sell" not in names("If you take out the fuse, the alarm stops.")


def _loop_typed_or_spoken(channel: str) -> Transcript:
    lines = [
        ("My invoice shows two delivery charges for the one sofa order last week.", 0, 8),
        ("I can see the sofa order. One charge is for the sofa and one for the footstool.", 9, 15),
        ("But the footstool came in the same van with the sofa, same delivery.", 16, 18),
    ]
    speakers = ("customer", "agent")
    return Transcript.from_dict(
        {
            "channel": channel,
            "turns": [
                {"speaker": speakers[i % 2], "text": text, "start": start, "end": end}
                for i, (text, start, end) in enumerate(lines)
            ],
        }
    )


def test_a_point_made_again_faster_is_heat_on_a_call_not_in_a_chat() -> None:
    assert Conversation(_loop_typed_or_spoken("voice")).escalated_turns == [2]
    assert Conversation(_loop_typed_or_spoken("chat")).escalated_turns == []


@pytest.mark.parametrize(
    "passed_on",
    [
        "Email the receipt to returns and they'll look into it.",
        "Parts side'll ring you about a date.",
    ],
)
def test_a_promise_handed_to_them_over_there_belongs_to_nobody(passed_on: str) -> None:
    call = conversation(
        "The new washing machine you fitted yesterday leaks all over the kitchen floor. Can "
        "you get it fixed?",
        f"I've refunded the fitting charge to your card today. {passed_on}",
        "Right.",
    )
    assert level(call, "ownership") == "average"


def test_a_house_number_is_not_a_clock_time() -> None:
    from scorer.markers.commitments import TIME

    assert TIME.search("I'll ring you at 4 to confirm.")
    assert not TIME.search("The engineer goes to the flat at 14 Albion Street.")


def test_the_date_something_went_wrong_is_not_when_it_will_be_put_right() -> None:
    call = conversation(
        "My gym took my membership fee twice this month. Can you sort it?",
        "Here is a summary you can forward: your membership fee of £32 was taken twice, on 2 "
        "May and 4 May, because the payment was retried by mistake. I've asked our finance "
        "team to refund the second one. If anything is unclear, contact me on 0161 555 0199.",
        "Thanks, bye.",
    )
    assert level(call, "forwardable_summary") == "average"
