"""Built-in topic: Recurrent networks (course chapter 2)."""

from mpcheck.api import Topic, hookimpl

TOPIC = Topic("rnn", "Recurrent networks", chapter="2", summary="Vanilla RNNs, BPTT, vanishing and exploding gradients, clipping, LSTM.")


@hookimpl
def register_topics(register):
    register(TOPIC)


@hookimpl
def register_generators(register):
    from mpcheck.questions import builtin_bank
    from mpcheck_rnn import bptt, clipping, counts, forward, lstm, regime

    modules = (forward, bptt, regime, clipping, lstm, counts)
    for generator in [*(g for m in modules for g in m.GENERATORS), *builtin_bank(TOPIC.name)]:
        register(generator)


@hookimpl
def register_derivations(register):
    from mpcheck_rnn.derivations import DERIVATIONS

    for derivation in DERIVATIONS:
        register(derivation)


@hookimpl
def register_references(register):
    from mpcheck_rnn.references import REFERENCES

    for reference in REFERENCES:
        register(reference)
