/*
 * Vietnamese search for Material for MkDocs (appended to its search worker at build time).
 *
 * Diacritics. Readers type "tang truong", "tăng truong" or "tăng trưởng" for the same words, and "d" for
 * "đ". Lunr matches exact tokens, so both sides are folded to bare letters:
 *   - every token leaving a pipeline (indexing and searching) is folded after stop words are removed,
 *     and loses the punctuation around it (Material's pipeline keeps no trimmer: Lunr's own trims
 *     accented letters, lunr-languages' Vietnamese one trims digits);
 *   - every query Lunr parses is folded before its lexer reads it (Material appends a wildcard to each
 *     term and Lunr skips the search pipeline for wildcard terms). Material's own query transform still
 *     sees the accents, so the ranking below knows what the reader typed.
 * Token positions are untouched, so Material still highlights the original (accented) words.
 *
 * Ranking. Vietnamese words are mostly two or three syllables and a reader types the phrase they
 * remember, but Lunr scores each syllable alone, and folding makes syllables collide ("số", "sở", "sơ").
 * Each result is weighed from Lunr's own match data (the positions Material keeps for highlighting):
 *   1. the longest run of the typed syllables found side by side, in order, in the entry (a stop word
 *      the reader typed between two syllables counts as a gap of one; up to two tokens the index left
 *      out, a dash or a symbol, do not part them);
 *   2. how many adjacent pairs of typed syllables are side by side somewhere in it;
 *   3. how many typed syllables it holds as whole words (a longer word merely starting with a syllable,
 *      "nghi" in "nghiệp", counts half: Material appends a wildcard to every term);
 *   4. how many syllables typed with diacritics it holds with the same ones ("xóa" and "xoá" alike);
 *   5. whether its heading holds the whole query, then how much of its heading the query covers;
 *   then Lunr's score. An entry holding fewer of the typed syllables (whole words; the last may be the
 *   start of one) than max(2, half of them) is left out when other entries hold that many: one common
 *   syllable of a multi-word query is not a result; and when some entry holds two typed syllables side
 *   by side, so is an entry holding neither such a pair nor every typed syllable (syllables scattered
 *   over a section are not the phrase remembered).
 * Weighing reads only the positions Lunr already returns (no index data of its own) and costs about
 * what Lunr's query does; Lunr no longer searches each term twice, so a query takes about as long as
 * in Material as it ships (python -m macros.bench.searchquality prints both).
 * Material then boosts and groups the results by page; the scores given here are tiers far enough
 * apart (a factor of 11, above Material's largest boost of 5) that its boost only breaks ties.
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

  // A word's letters and its set of marks: "xóa" and "xoá" (two places for the same tone) are the same word.
  var shapes = new Map()
  function shape(word) {
    var known = shapes.get(word)
    if (known !== undefined) return known
    var letters = "", marks = []
    var chars = String(word).normalize("NFC").toLowerCase().replace(EDGES, "").normalize("NFD")
    for (var i = 0; i < chars.length; i++) {
      var c = chars.charAt(i)
      if (c >= "\u0300" && c <= "\u036f") marks.push(c)
      else letters += c
    }
    known = letters + "|" + marks.sort().join("")
    if (shapes.size > 50000) shapes.clear()
    shapes.set(word, known)
    return known
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

  // Lunr names a state of its term automaton by its edges as label + target id, so an edge "2" to state
  // 16 and an edge "21"... collide once labels are digits: two states merge and a query expands to a
  // term the index lacks ("căn)26%" from "(căn)2021" of a chart table), and the query fails. Separated.
  lunr.TokenSet.prototype.toString = function () {
    if (this._str) return this._str
    var str = this.final ? "1" : "0", labels = Object.keys(this.edges).sort()
    for (var i = 0; i < labels.length; i++)
      str += "\u0001" + labels[i] + "\u0002" + this.edges[labels[i]].id
    return (this._str = str)
  }

  // Folded, and each term without the punctuation around it, as indexed tokens are: Lunr skips the
  // pipeline for wildcard terms, so "(đề*" would otherwise look for words starting with "(de".
  var CLAUSE = /^([+-]?)((?:title|text|tags):)?(.*?)(\*?(?:[~^]\d+)?)$/
  var parse = lunr.QueryParser.prototype.parse
  lunr.QueryParser.prototype.parse = function () {
    this.lexer.str = fold(this.lexer.str).split(/\s+/).map(function (clause) {
      var parts = CLAUSE.exec(clause), term = parts[3].replace(EDGES, "")
      return term ? parts[1] + (parts[2] || "") + term + parts[4] : ""
    }).join(" ").trim()
    this.lexer.length = this.lexer.str.length
    return parse.call(this)
  }

  // Each indexed field's text and Material's position table for it, to read back the accented word at a
  // position (Material's extractor starts a fresh table for each field just before it is tokenized).
  var sources = Object.create(null)
  var field = lunr.Builder.prototype.field
  lunr.Builder.prototype.field = function (name, attributes) {
    var builder = this, extract = attributes && attributes.extractor
    if (typeof extract === "function")
      attributes = Object.assign({}, attributes, {
        extractor: function (doc) {
          var value = extract(doc)
          if (typeof value === "string" && Array.isArray(lunr.tokenizer.table))
            sources[doc[builder._ref] + "\u0000" + name] = [value, lunr.tokenizer.table]
          return value
        }
      })
    return field.call(this, name, attributes)
  }

  function wordAt(source, position) {
    if (!source) return ""
    var block = source[1][position >>> 20], entry = block && block[position & 0xFFFFF]
    if (entry === undefined) return ""
    var start = entry >>> 12
    return source[0].slice(start, start + (entry >>> 2 & 0x3FF))
  }

  // The syllables typed, in order: as typed (lower case, accents kept) and as indexed (folded); stop words
  // are kept as gaps.
  function typedTerms(index, query) {
    var out = []
    String(query).split(/\s+/).forEach(function (clause) {
      if (!clause || clause.charAt(0) === "-") return
      clause = clause.replace(/^\+/, "").replace(/[~^]\d*$/, "").replace(/\*+/g, "").replace(/^(title|text|tags):/, "")
      clause.split(lunr.tokenizer.separator).forEach(function (piece) {
        var raw = piece.normalize("NFC").toLowerCase().replace(EDGES, "")
        if (!raw) return
        var kept = index.pipeline.runString(raw)
        out.push({raw: raw, bare: kept.length ? kept[0] : "", stop: !kept.length})
      })
    })
    return out
  }

  var FIELDS = ["title", "text"]  // indexes 0 and 1 below

  // Arrays reused for every result of a query: weighing thousands of results must not allocate much.
  function pool(n) {
    var lists = function () {
      var out = []
      for (var k = 0; k < n; k++) out.push([[], []])
      return out
    }
    return {words: lists(), all: lists(), chain: [[], [], [], []], keys: new Map()}
  }

  // The typed terms an index term matches: each of them it starts with, and whether it is that term.
  function termsOf(key, terms, cache) {
    var found = cache.get(key)
    if (found === undefined) {
      found = []
      for (var k = 0; k < terms.length; k++)
        if (key.lastIndexOf(terms[k].bare, 0) === 0) found.push(k, key === terms[k].bare ? 1 : 0)
      cache.set(key, found)
    }
    return found
  }

  function weigh(index, result, terms, gaps, arrays) {
    var n = terms.length, metadata = result.matchData.metadata, keys = Object.keys(metadata)
    var words = arrays.words, all = arrays.all, coverage = 0, held = 0, exact = 0, matchedInTitle = 0
    for (var k = 0; k < n; k++)
      words[k][0].length = words[k][1].length = all[k][0].length = all[k][1].length = 0
    for (var j = 0; j < keys.length; j++) {
      var fields = metadata[keys[j]], mine = termsOf(keys[j], terms, arrays.keys)
      if (fields.title) matchedInTitle++
      for (var f = 0; f < 2; f++) {
        var match = fields[FIELDS[f]]
        if (!match || !match.position) continue
        var list = match.position
        for (var e = 0; e < mine.length; e += 2)
          for (var i = 0; i < list.length; i++) {
            all[mine[e]][f].push(list[i])
            if (mine[e + 1]) words[mine[e]][f].push(list[i])
          }
      }
    }
    // Material marks every matched index term: where the typed syllable is there as a whole word, a
    // longer word merely starting with it ("thức" for "thu") is not marked.
    for (j = 0; j < keys.length; j++) {
      mine = termsOf(keys[j], terms, arrays.keys)
      var loose = mine.length > 0
      for (e = 0; e < mine.length && loose; e += 2)
        loose = !mine[e + 1] && words[mine[e]][0].length + words[mine[e]][1].length > 0
      if (loose) delete metadata[keys[j]]
    }
    var source = [null, null]
    for (k = 0; k < n; k++) {
      var w = words[k], a = all[k]
      var whole = w[0].length + w[1].length > 0, some = a[0].length + a[1].length > 0
      if (whole || (some && k === n - 1)) held++
      coverage += whole ? 2 : some ? 1 : 0
      if (some && terms[k].raw !== terms[k].bare) {
        // Whole words first: "cá" is rare among the "các" its prefix also matches. The same word counts 2,
        // a longer word starting with the accented syllables ("các" for "cá") 1.
        var want = shape(terms[k].raw), found = 0
        for (var l = 0; l < (k === n - 1 ? 2 : 1) && found < 2; l++)
          for (var g = 0; g < 2 && found < 2; g++) {
            var spots = (l ? a : w)[g]
            if (spots.length && !source[g]) source[g] = sources[result.ref + "\u0000" + FIELDS[g]]
            for (var s = 0; s < spots.length && s < 20 && found < 2; s++) {
              var word = wordAt(source[g], spots[s])
              if (shape(word) === want) found = 2
              else if (l > 0 && word.normalize("NFC").toLowerCase().lastIndexOf(terms[k].raw, 0) === 0) found = 1
            }
          }
        exact += found
      }
    }
    // Runs of typed syllables side by side: positions are block << 20 | token index within the block.
    var longest = 0, pairs = 0, paired = 0, titleRun = 0, chain = arrays.chain
    for (var h = 0; h < 2; h++) {
      var prevPos = chain[0], prevLen = chain[1], curPos = chain[2], curLen = chain[3], best = 0
      prevPos.length = prevLen.length = 0
      for (var m = 0; m < n; m++) {
        var spots2 = (m === n - 1 ? all : words)[m][h]
        curPos.length = curLen.length = 0
        for (var t = 0; t < spots2.length; t++) {
          var p = spots2[t], length = 1
          for (var q = 0; q < prevPos.length; q++) {
            var apart = p - prevPos[q]
            if (prevLen[q] + 1 > length && (apart === gaps[m] ||
                (apart > 0 && apart <= gaps[m] + 2 && onlyDropped(index, source, h, result.ref, prevPos[q], p))))
              length = prevLen[q] + 1
          }
          if (length > 1 && m < 31) paired |= 1 << m
          curPos.push(p)
          curLen.push(length)
          if (length > best) best = length
        }
        var swap = prevPos; prevPos = curPos; curPos = swap
        swap = prevLen; prevLen = curLen; curLen = swap
      }
      if (best > longest) longest = best
      if (h === 0) titleRun = best
    }
    for (; paired; paired &= paired - 1) pairs++
    var vector = index.fieldVectors["title/" + result.ref]
    var inTitle = vector ? vector.elements.length / 2 : 0
    var cover = inTitle ? Math.min(matchedInTitle / inTitle, 1) : 0
    return {
      held: held,
      whole: held === n,
      run: longest,
      tier: [longest, pairs, coverage, exact, titleRun === n && n > 0 ? 1 : 0, Math.round(cover * 4)]
    }
  }

  // Whether every token strictly between two positions of a block left no term in the index: a dash
  // ("Kinh tế — mục 1"), a symbol or a stop word does not part two syllables the reader typed together.
  var dropped = new Map()
  function onlyDropped(index, source, field, ref, from, to) {
    if (!source[field]) source[field] = sources[ref + "\u0000" + FIELDS[field]]
    for (var p = from + 1; p < to; p++) {
      var word = wordAt(source[field], p), gone = dropped.get(word)
      if (gone === undefined) {
        gone = word !== "" && index.pipeline.runString(word).length === 0
        if (dropped.size > 50000) dropped.clear()
        dropped.set(word, gone)
      }
      if (!gone) return false
    }
    return true
  }

  function compare(a, b) {
    for (var i = 0; i < a.length; i++)
      if (a[i] !== b[i]) return a[i] - b[i]
    return 0
  }

  var TIER_BASE = 11
  var MAX_TIERS = 250
  var search = lunr.Index.prototype.search
  lunr.Index.prototype.search = function (query) {
    var typed = typedTerms(this, query)
    var results = search.call(this, query)
    var terms = [], gaps = [], gap = 1
    for (var i = 0; i < typed.length; i++) {
      if (typed[i].stop) {
        gap++
        continue
      }
      terms.push(typed[i])
      gaps.push(terms.length === 1 ? 0 : gap)
      gap = 1
    }
    if (!terms.length || !results.length) return results

    var weighed = [], most = 0, phrase = false, arrays = pool(terms.length)
    for (var r = 0; r < results.length; r++) {
      var w = weigh(this, results[r], terms, gaps, arrays)
      w.result = results[r]
      weighed.push(w)
      if (w.held > most) most = w.held
      if (w.run > 1) phrase = true
    }
    var need = Math.min(most, Math.max(2, Math.ceil(terms.length / 2)))
    weighed = weighed.filter(function (w) { return w.held >= need && (w.run > 1 || w.whole || !phrase) })
    weighed.sort(function (a, b) { return compare(b.tier, a.tier) || b.result.score - a.result.score })

    // Tiers as scores: the worst tier is 1, each better one 11 times more; Lunr's score orders within a tier.
    var tiers = 0, top = 0
    for (var j = weighed.length - 1; j >= 0; j--) {
      if (j < weighed.length - 1 && compare(weighed[j].tier, weighed[j + 1].tier) !== 0) tiers++
      weighed[j].level = tiers
      if (weighed[j].result.score > top) top = weighed[j].result.score
    }
    var shift = Math.max(0, tiers - MAX_TIERS)
    return weighed.map(function (w) {
      var result = w.result
      result.score = Math.pow(TIER_BASE, Math.max(0, w.level - shift)) * (1 + (top ? result.score / top : 0))
      return result
    })
  }
})(self.lunr)
