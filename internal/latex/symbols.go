package latex

// Symbol tables for math mode. Letters become <mi>, everything else <mo>.
// Upper-case Greek is upright in TeX, hence the separate table.

var greek = map[string]string{
	"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
	"zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "varkappa": "ϰ",
	"lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "omicron": "ο", "pi": "π", "varpi": "ϖ", "rho": "ρ",
	"varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ",
	"chi": "χ", "psi": "ψ", "omega": "ω", "ell": "ℓ", "hbar": "ℏ", "hslash": "ℏ", "imath": "ı", "jmath": "ȷ",
	"wp": "℘", "aleph": "ℵ", "beth": "ℶ", "digamma": "ϝ", "eps": "ε",
	// upgreek's upright letters; math fonts draw them like the slanted ones.
	"upalpha": "α", "upbeta": "β", "upgamma": "γ", "updelta": "δ", "upepsilon": "ε", "upeta": "η",
	"uptheta": "θ", "upkappa": "κ", "uplambda": "λ", "upmu": "μ", "upnu": "ν", "uppi": "π", "uprho": "ρ",
	"upsigma": "σ", "uptau": "τ", "upphi": "φ", "upchi": "χ", "uppsi": "ψ", "upomega": "ω",
}

var upright = map[string]string{
	"Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
	"Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "varGamma": "Γ", "varDelta": "Δ",
	"varTheta": "Θ", "varLambda": "Λ", "varXi": "Ξ", "varPi": "Π", "varSigma": "Σ", "varUpsilon": "Υ",
	"varPhi": "Φ", "varPsi": "Ψ", "varOmega": "Ω",
	"infty": "∞", "partial": "∂", "nabla": "∇", "emptyset": "∅", "varnothing": "∅", "Re": "ℜ", "Im": "ℑ",
	"top": "⊤", "bot": "⊥", "angle": "∠", "triangle": "△", "Box": "□", "square": "□", "blacksquare": "■",
	"diamond": "⋄", "Diamond": "◇", "clubsuit": "♣", "heartsuit": "♡", "spadesuit": "♠", "diamondsuit": "♢",
	"checkmark": "✓", "dagger": "†", "ddagger": "‡", "S": "§", "P": "¶", "copyright": "©", "degree": "°",
	"prime": "′", "backslash": "∖", "surd": "√", "flat": "♭", "sharp": "♯", "natural": "♮", "mho": "℧",
	"complement": "∁", "eth": "ð", "Finv": "Ⅎ", "Game": "⅁", "circledS": "Ⓢ", "nexists": "∄",
	// The number sets, which nearly every author defines as a macro.
	"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "RR": "ℝ", "NN": "ℕ", "ZZ": "ℤ", "QQ": "ℚ", "CC": "ℂ",
	"dag": "†", "ddag": "‡",
	"AA": "Å", "O": "Ø", "o": "ø", "ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł",
	"i": "ı", "dots": "…", "ldots": "…", "cdots": "⋯", "vdots": "⋮", "ddots": "⋱", "dotsc": "…", "dotsb": "⋯",
}

// operators are <mo> symbols: binary operators, relations, arrows, big
// operators, delimiters.
var operators = map[string]string{
	"pm": "±", "mp": "∓", "times": "×", "div": "÷", "cdot": "⋅", "ast": "∗", "star": "⋆", "circ": "∘",
	"bullet": "∙", "oplus": "⊕", "ominus": "⊖", "otimes": "⊗", "oslash": "⊘", "odot": "⊙", "cup": "∪",
	"cap": "∩", "sqcup": "⊔", "sqcap": "⊓", "uplus": "⊎", "vee": "∨", "wedge": "∧", "lor": "∨", "land": "∧",
	"setminus": "∖", "smallsetminus": "∖", "wr": "≀", "amalg": "⨿", "bigcirc": "◯", "triangleleft": "◁",
	"triangleright": "▷", "lhd": "◁", "rhd": "▷", "unlhd": "⊴", "unrhd": "⊵", "ltimes": "⋉", "rtimes": "⋊",
	"leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "leqslant": "⩽", "geqslant": "⩾",
	"ll": "≪", "gg": "≫", "lll": "⋘", "ggg": "⋙", "lesssim": "≲", "gtrsim": "≳", "lessapprox": "⪅",
	"gtrapprox": "⪆", "prec": "≺", "succ": "≻", "preceq": "⪯", "succeq": "⪰", "precsim": "≾", "succsim": "≿",
	"sim": "∼", "simeq": "≃", "approx": "≈", "cong": "≅", "equiv": "≡", "propto": "∝", "asymp": "≍",
	"doteq": "≐", "triangleq": "≜", "coloneqq": "≔", "eqqcolon": "≕", "approxeq": "≊", "backsim": "∽",
	"nsim": "≁", "ncong": "≇", "nleq": "≰", "ngeq": "≱", "nless": "≮", "ngtr": "≯", "lneq": "⪇", "gneq": "⪈",
	"in": "∈", "ni": "∋", "notin": "∉", "subset": "⊂", "supset": "⊃", "subseteq": "⊆", "supseteq": "⊇",
	"subsetneq": "⊊", "supsetneq": "⊋", "nsubseteq": "⊈", "sqsubset": "⊏", "sqsupset": "⊐",
	"sqsubseteq": "⊑", "sqsupseteq": "⊒", "mid": "∣", "nmid": "∤", "parallel": "∥", "nparallel": "∦",
	"perp": "⊥", "vdash": "⊢", "dashv": "⊣", "models": "⊨", "vDash": "⊨", "Vdash": "⊩", "nvdash": "⊬",
	"smile": "⌣", "frown": "⌢", "bowtie": "⋈", "Join": "⨝", "forall": "∀", "exists": "∃", "neg": "¬",
	"lnot": "¬", "therefore": "∴", "because": "∵",
	"to": "→", "gets": "←", "rightarrow": "→", "leftarrow": "←", "leftrightarrow": "↔", "Rightarrow": "⇒",
	"Leftarrow": "⇐", "Leftrightarrow": "⇔", "longrightarrow": "⟶", "longleftarrow": "⟵",
	"Longrightarrow": "⟹", "Longleftarrow": "⟸", "longleftrightarrow": "⟷", "Longleftrightarrow": "⟺",
	"iff": "⟺", "implies": "⟹", "impliedby": "⟸", "mapsto": "↦", "longmapsto": "⟼", "uparrow": "↑",
	"downarrow": "↓", "updownarrow": "↕", "Uparrow": "⇑", "Downarrow": "⇓", "nearrow": "↗", "searrow": "↘",
	"swarrow": "↙", "nwarrow": "↖", "hookrightarrow": "↪", "hookleftarrow": "↩", "rightharpoonup": "⇀",
	"leftharpoonup": "↼", "rightleftharpoons": "⇌", "leftrightarrows": "⇆", "rightrightarrows": "⇉",
	"twoheadrightarrow": "↠", "rightsquigarrow": "⇝", "leadsto": "⇝", "xrightarrow": "⟶", "circlearrowleft": "↺",
	"circlearrowright": "↻", "nrightarrow": "↛", "nleftarrow": "↚", "nRightarrow": "⇏",
	"sum": "∑", "prod": "∏", "coprod": "∐", "int": "∫", "iint": "∬", "iiint": "∭", "oint": "∮",
	"bigcup": "⋃", "bigcap": "⋂", "bigoplus": "⨁", "bigotimes": "⨂", "bigodot": "⨀", "bigvee": "⋁",
	"bigwedge": "⋀", "biguplus": "⨄", "bigsqcup": "⨆",
	"langle": "⟨", "rangle": "⟩", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "lvert": "|",
	"rvert": "|", "vert": "|", "Vert": "‖", "lVert": "‖", "rVert": "‖", "|": "‖", "{": "{", "}": "}",
	"lbrace": "{", "rbrace": "}", "lbrack": "[", "rbrack": "]", "lparen": "(", "rparen": ")",
	"colon": ":", "%": "%", "$": "$", "&": "&", "#": "#", "_": "_", "dagger*": "†",
	"cdotp": "⋅", "ldotp": ".", "vartriangle": "△", "star*": "⋆", "bigstar": "★", "lozenge": "◊",
}

// functions are typeset as upright multi-letter identifiers.
var functions = map[string]bool{
	"sin": true, "cos": true, "tan": true, "cot": true, "sec": true, "csc": true, "arcsin": true,
	"arccos": true, "arctan": true, "sinh": true, "cosh": true, "tanh": true, "coth": true, "log": true,
	"ln": true, "lg": true, "exp": true, "det": true, "dim": true, "ker": true, "deg": true, "arg": true,
	"gcd": true, "hom": true, "lim": true, "liminf": true, "limsup": true, "max": true, "min": true,
	"sup": true, "inf": true, "Pr": true, "argmax": true, "argmin": true, "tr": true, "Tr": true,
	"rank": true, "diag": true, "sgn": true, "softmax": true, "mod": true, "bmod": true, "var": true,
	"Var": true, "Cov": true, "KL": true, "erf": true, "poly": true, "polylog": true,
}

// accents map to the combining character drawn over (or under) the base.
var accents = map[string]string{
	"hat": "^", "widehat": "^", "bar": "¯", "overline": "¯", "tilde": "~", "widetilde": "~",
	"vec": "→", "overrightarrow": "→", "overleftarrow": "←", "dot": "˙", "ddot": "¨", "dddot": "⃛",
	"mathring": "˚", "check": "ˇ", "widecheck": "ˇ", "breve": "˘", "acute": "´", "grave": "`",
	"underline": "_", "underbrace": "⏟", "overbrace": "⏞",
}

// spaces are TeX's spacing commands, as em widths.
var spaces = map[string]string{
	",": "0.1667em", ":": "0.2222em", ">": "0.2222em", ";": "0.2778em", "!": "-0.1667em",
	" ": "0.3333em", "quad": "1em", "qquad": "2em", "enspace": "0.5em", "thinspace": "0.1667em",
	"medspace": "0.2222em", "thickspace": "0.2778em", "negthinspace": "-0.1667em",
}

// ignored commands change only sizes or spacing that MathML handles itself.
var ignored = map[string]bool{
	"displaystyle": true, "textstyle": true, "scriptstyle": true, "scriptscriptstyle": true,
	"limits": true, "nolimits": true, "big": true, "Big": true, "bigg": true, "Bigg": true, "bigl": true,
	"bigr": true, "Bigl": true, "Bigr": true, "biggl": true, "biggr": true, "Biggl": true, "Biggr": true,
	"bigm": true, "Bigm": true, "left": true, "right": true, "middle": true, "nonumber": true,
	"notag": true, "relax": true, "strut": true, "allowbreak": true, "nobreak": true,
	"tiny": true, "scriptsize": true, "footnotesize": true, "small": true, "normalsize": true, "large": true,
	"Large": true, "LARGE": true, "huge": true, "Huge": true, "label": true,
}

// textSymbols are commands that arXiv abstracts use outside math and that
// have a plain Unicode rendering.
var textSymbols = map[string]string{
	"LaTeX": "LaTeX", "TeX": "TeX", "BibTeX": "BibTeX", "ie": "i.e.", "eg": "e.g.", "etal": "et al.",
	"vs": "vs.", "deg": "°", "textdegree": "°", "textasciitilde": "~", "textasciicircum": "^",
	"textbackslash": "\\", "textbar": "|", "textless": "<", "textgreater": ">", "textendash": "–",
	"textemdash": "—", "textbullet": "•", "textregistered": "®", "texttrademark": "™", "euro": "€",
	"pounds": "£", "textperiodcentered": "·", "textquotedblleft": "“", "textquotedblright": "”",
	"ldots": "…", "dots": "…", "%": "%", "$": "$", "&": "&", "#": "#", "_": "_", "{": "{", "}": "}",
	"ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å",
	"l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "S": "§", "P": "¶", "copyright": "©", "dag": "†", "ddag": "‡",
	" ": " ", ",": "\u2009", ";": " ", "quad": "\u2003", "qquad": "\u2003\u2003", "\\": " ", "-": "",
	"/": "", "@": "", "noindent": "", "newline": " ", "linebreak": " ", "par": " ",
}

// textAccents are TeX's accent commands in text mode, as combining marks.
var textAccents = map[string]rune{
	"'": '\u0301', "`": '\u0300', "^": '\u0302', "\"": '\u0308', "~": '\u0303', "=": '\u0304',
	".": '\u0307', "u": '\u0306', "v": '\u030C', "H": '\u030B', "c": '\u0327', "k": '\u0328',
	"r": '\u030A', "d": '\u0323', "b": '\u0331',
}
