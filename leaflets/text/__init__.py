"""text: from segments to laid-out paragraphs that fit.

``fonts`` (stacks by script, registered with reportlab) -> ``markup`` (escaped reportlab
markup) and ``shaping`` (our line layout for Arabic-script, Indic and CJK text) ->
``typography`` (sizes and the paragraph of a language) -> ``fit`` (text fits its box or says
so). Imports only sources/ and the base modules.
"""
