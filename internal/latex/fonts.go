package latex

// MathML Core renders only mathvariant="normal"; other alphabets (\mathbb,
// \mathcal, \mathbf …) must use the Unicode Mathematical Alphanumeric
// Symbols, which the system math font draws. The block has holes where a
// letter already existed in Letterlike Symbols; those are listed per font.

type font int

const (
	fontNone font = iota
	fontRoman
	fontBold
	fontItalic
	fontBoldItalic
	fontScript
	fontFraktur
	fontDoubleStruck
	fontSans
	fontMono
)

type alphabet struct {
	upper, lower, digit rune // first code points; 0 where the font has none
	holes               map[rune]rune
}

var alphabets = map[font]alphabet{
	fontBold:       {0x1D400, 0x1D41A, 0x1D7CE, nil},
	fontItalic:     {0x1D434, 0x1D44E, 0, map[rune]rune{'h': 'ℎ'}},
	fontBoldItalic: {0x1D468, 0x1D482, 0, nil},
	fontScript: {0x1D49C, 0x1D4B6, 0, map[rune]rune{'B': 'ℬ', 'E': 'ℰ', 'F': 'ℱ', 'H': 'ℋ', 'I': 'ℐ',
		'L': 'ℒ', 'M': 'ℳ', 'R': 'ℛ', 'e': 'ℯ', 'g': 'ℊ', 'o': 'ℴ'}},
	fontFraktur: {0x1D504, 0x1D51E, 0, map[rune]rune{'C': 'ℭ', 'H': 'ℌ', 'I': 'ℑ', 'R': 'ℜ', 'Z': 'ℨ'}},
	fontDoubleStruck: {0x1D538, 0x1D552, 0x1D7D8, map[rune]rune{'C': 'ℂ', 'H': 'ℍ', 'N': 'ℕ', 'P': 'ℙ',
		'Q': 'ℚ', 'R': 'ℝ', 'Z': 'ℤ'}},
	fontSans: {0x1D5A0, 0x1D5BA, 0x1D7E2, nil},
	fontMono: {0x1D670, 0x1D68A, 0x1D7F6, nil},
}

// fontCommands are the argument-taking font commands of math mode.
var fontCommands = map[string]font{
	"mathrm": fontRoman, "textrm": fontRoman, "mathup": fontRoman, "operatorname": fontRoman,
	"mathbf": fontBold, "textbf": fontBold, "boldsymbol": fontBold, "bm": fontBold, "mathbfit": fontBoldItalic,
	"mathit": fontItalic, "textit": fontItalic, "mathcal": fontScript, "mathscr": fontScript,
	"mathfrak": fontFraktur, "mathbb": fontDoubleStruck, "Bbb": fontDoubleStruck, "mathsf": fontSans,
	"textsf": fontSans, "mathtt": fontMono, "texttt": fontMono,
}

// fontSwitches are the old-style declarations ({\rm kcal/mol}) that change
// the font until the end of the enclosing group.
var fontSwitches = map[string]font{
	"rm": fontRoman, "bf": fontBold, "it": fontItalic, "cal": fontScript, "sf": fontSans, "tt": fontMono,
	"mit": fontItalic, "frak": fontFraktur, "Bbb": fontDoubleStruck,
}

// styled maps r into font f; characters the font lacks are returned as is.
func styled(r rune, f font) rune {
	a, ok := alphabets[f]
	if !ok {
		return r
	}
	if h, ok := a.holes[r]; ok {
		return h
	}
	switch {
	case r >= 'A' && r <= 'Z' && a.upper != 0:
		return a.upper + r - 'A'
	case r >= 'a' && r <= 'z' && a.lower != 0:
		return a.lower + r - 'a'
	case r >= '0' && r <= '9' && a.digit != 0:
		return a.digit + r - '0'
	}
	return r
}
