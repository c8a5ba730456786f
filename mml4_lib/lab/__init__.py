"""Every computation a chapter or an explorer shows, NumPy only: what notebooks import and quote.

One module per experiment, named like the explorer that draws it (``lab.dropout`` computes,
``explorers.dropout`` draws): ``neuron``, ``logreg`` (chapter 1), ``linear_depth`` (2),
``universal`` (3), ``gd_neuron`` (4), ``backprop`` (5), ``propagation`` (7 and 8: signal
propagation through depth, shared by the activation and initialization explorers),
``timeline`` (8: every layer during a training run; its data are ``propagation.dataset()``),
``batchnorm`` and ``batchnorm_training`` (9: the digits network during training), ``dropout``
(10). Each module's data set is its ``dataset()``. Nothing here imports matplotlib or
ipywidgets (a test blocks them and imports every module).
"""
