from streams.claims.starter import claim_key, load_starter_claims, near_duplicate_claims


def test_near_duplicate_claims_become_one_claim_and_different_claims_stay_apart():
    texts = ["mandi 3 waktu sebabkan kematian", "mandi di 3 waktu ini menyebabkan kematian mendadak",
             "Donald Trump meninggal karena Covid 19", "Donald Trump meninggal karena Covid 25",
             "mandi malam berbahaya", "saat demam tidak boleh mandi"]
    keys = [claim_key(t) for t in texts]
    group = near_duplicate_claims(keys)
    assert group[keys[0]] == group[keys[1]]
    assert group[keys[2]] == group[keys[3]]
    assert len({group[keys[0]], group[keys[2]], group[keys[4]], group[keys[5]]}) == 4


def test_shipped_starter_claims_have_unique_ids_and_keep_merged_spellings_as_aliases():
    claims = load_starter_claims()
    assert len({c["id"] for c in claims}) == len(claims)
    mandi = [c for c in claims if "mandi" in c["claim"].lower() and "3 waktu" in c["claim"]]
    assert len(mandi) == 1 and mandi[0]["verdict"] == "hoax"
    assert "mandi di 3 waktu ini menyebabkan kematian mendadak" in mandi[0]["aliases"]
