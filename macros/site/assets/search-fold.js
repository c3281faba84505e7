/*
 * Diacritic-insensitive search for Material for MkDocs (appended to its search worker at build time).
 *
 * Vietnamese readers type "tang truong", "tăng truong" or "tăng trưởng" for the same words, and "d" for
 * "đ". Lunr matches exact tokens, so both sides are folded to bare letters:
 *   - every token leaving a pipeline (indexing and searching) is folded after stop words are removed,
 *     and loses the punctuation around it (Material's pipeline keeps no trimmer: Lunr's own trims
 *     accented letters, lunr-languages' Vietnamese one trims digits);
 *   - every query string is folded before Lunr's query lexer reads it, because Material appends a
 *     wildcard to each term and Lunr skips the search pipeline for wildcard terms.
 * Token positions are untouched, so Material still highlights the original (accented) words.
 *
 * Ranking: Material appends a wildcard to every term, so "chi" also matches the rarer "chieu" of a title
 * like "Văn bản tham chiếu", whose higher weight then outranks the heading "Quan điểm chỉ đạo". Each
 * wildcard term is searched a second time as the whole word, boosted, so the words the reader typed
 * count more than longer words that merely start with them; and an entry whose heading the query
 * covers (and that covers the query) is weighted up, so the page whose heading matches comes first.
 */
(function (lunr) {
  if (!lunr || lunr.__hbFolded) return
  lunr.__hbFolded = true

  var MARKS = /[\u0300-\u036f]/g
  function fold(text) {
    return String(text).normalize("NFD").replace(MARKS, "")
      .replace(/\u0111/g, "d").replace(/\u0110/g, "D").normalize("NFC")
  }
  lunr.hbFold = fold

  // Punctuation around a word ("(Yagi)", "tỉnh,") is not part of it; "%" after a number is ("10,2%").
  var EDGES = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}%]+$/gu
  function foldToken(text) {
    return fold(text).replace(EDGES, "")
  }

  var run = lunr.Pipeline.prototype.run
  lunr.Pipeline.prototype.run = function (tokens) {
    var out = run.call(this, tokens), kept = []
    for (var i = 0; i < out.length; i++) {
      if (!out[i] || typeof out[i].update !== "function") continue
      out[i].update(foldToken)
      if (out[i].toString() !== "") kept.push(out[i])
    }
    return kept
  }

  var EXACT_BOOST = 10
  var HEADING_BOOST = 10
  var PLAIN_WILDCARD = /^([^+\-~^:*\s]+)\*$/
  var search = lunr.Index.prototype.search
  lunr.Index.prototype.search = function (query) {
    // The words typed, folded and bare ("tăng*" → "tang"), for weighing headings below.
    var typed = []
    String(query).split(/\s+/).forEach(function (clause) {
      if (!clause || clause.charAt(0) === "-") return
      clause = clause.replace(/^\+/, "").replace(/[~^]\d*$/, "").replace(/\*+/g, "")
      clause.split(lunr.tokenizer.separator).forEach(function (term) {
        term = foldToken(term).toLowerCase()
        if (term && typed.indexOf(term) < 0) typed.push(term)
      })
    })
    var terms = String(query).split(/\s+/).map(function (term) {
      var match = PLAIN_WILDCARD.exec(term)
      return match ? match[1] + "^" + EXACT_BOOST + " " + term : term
    })
    var results = search.call(this, terms.join(" "))

    // A heading that says what the reader typed ranks first: Material indexes with b(0), so a long
    // title holding the words scores as high as a title made of them. Weigh each entry by how much of
    // its title the query covers and how much of the query its title covers.
    var vectors = this.fieldVectors
    for (var i = 0; i < results.length; i++) {
      var vector = vectors["title/" + results[i].ref]
      var inTitle = vector ? vector.elements.length / 2 : 0
      if (!inTitle || !typed.length) continue
      var keys = [], metadata = results[i].matchData.metadata
      for (var term in metadata)
        if (metadata[term].title) keys.push(term)
      if (!keys.length) continue
      var found = typed.filter(function (word) {
        return keys.some(function (key) { return key.indexOf(word) === 0 })
      }).length
      var cover = Math.min(keys.length / inTitle, 1) * (found / typed.length)
      results[i].score *= 1 + HEADING_BOOST * cover * cover
    }
    return results.sort(function (a, b) { return b.score - a.score })
  }

  var lex = lunr.QueryLexer.prototype.run
  lunr.QueryLexer.prototype.run = function () {
    this.str = fold(this.str)
    this.length = this.str.length
    return lex.call(this)
  }
})(self.lunr)
