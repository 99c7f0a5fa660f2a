"""Built-in topic: Recurrent networks (course chapter 2)."""

from mpcheck.api import Topic, hookimpl

TOPIC = Topic("rnn", "Recurrent networks", chapter="2", summary="Vanilla RNNs, BPTT, vanishing and exploding gradients, clipping, LSTM.")


@hookimpl
def register_topics(register):
    register(TOPIC)


@hookimpl
def register_generators(register):
    from mpcheck.questions import builtin_bank

    for question in builtin_bank(TOPIC.name):
        register(question)


@hookimpl
def register_derivations(register):
    from mpcheck_rnn.derivations import DERIVATIONS

    for derivation in DERIVATIONS:
        register(derivation)
