"""Built-in topic: Recurrent networks (course chapter 2)."""

from mpcheck.api import Reference, Topic, hookimpl

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
    for reference in REFERENCES:
        register(reference)


REFERENCES = (
    Reference("rnn", "rnn-bptt", "Vanilla RNN with hand-written backpropagation through time",
              oracle="torch.autograd (and torch.nn.RNN for the forward pass)",
              run="mpcheck_rnn.references.rnn:check_rnn_bptt", source="mpcheck_rnn.references.rnn",
              tags=("bptt", "backward")),
    Reference("rnn", "lstm-cell", "LSTM cell, gate order i, f, o, g",
              oracle="torch.nn.LSTMCell", run="mpcheck_rnn.references.lstm:check_lstm_cell",
              source="mpcheck_rnn.references.lstm", tags=("lstm",)),
    Reference("rnn", "clip-grad-norm", "Gradient clipping by global norm",
              oracle="torch.nn.utils.clip_grad_norm_",
              run="mpcheck_rnn.references.clipping:check_clip_grad_norm",
              source="mpcheck_rnn.references.clipping", tags=("clipping",)),
)
