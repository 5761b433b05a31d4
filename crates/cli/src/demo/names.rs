//! Curated given names and family names, grouped by the region they are common in, so that a
//! generated member's first and last name belong together ("Kenji Watanabe", not
//! "Kenji Okonkwo"). Spelling is the usual Latin-script one; accents are limited to those
//! [`guild_core::domain::Handle::suggest_from_name`] folds to ASCII (a test checks this).

/// A naming region: its weight among members, its names, and where its people mostly live
/// (indexes into [`super::catalog::LOCATIONS`] by region tag).
pub struct NameRegion {
    pub tag: &'static str,
    /// Relative share of members from this region.
    pub weight: u32,
    pub first: &'static [&'static str],
    pub last: &'static [&'static str],
}

pub const REGIONS: &[NameRegion] = &[
    NameRegion {
        tag: "anglo",
        weight: 16,
        first: &[
            "Emma", "Olivia", "James", "Liam", "Charlotte", "Noah", "Amelia", "Oliver", "Grace",
            "Jack", "Hannah", "Ethan", "Chloe", "Samuel", "Megan", "Connor",
        ],
        last: &[
            "Smith", "Johnson", "Williams", "Brown", "Taylor", "Walsh", "Murphy", "Campbell",
            "Robinson", "Clarke", "Hughes", "Bennett", "O'Connor", "Fitzgerald", "Harper",
            "Sullivan",
        ],
    },
    NameRegion {
        tag: "germanic",
        weight: 9,
        first: &[
            "Lukas", "Anna", "Jonas", "Lena", "Maximilian", "Sophie", "Felix", "Marie", "Tobias",
            "Johanna", "Jürgen", "Katrin",
        ],
        last: &[
            "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Wagner",
            "Schäfer", "Krüger", "Richter", "Braun",
        ],
    },
    NameRegion {
        tag: "dutch-nordic",
        weight: 7,
        first: &[
            "Daan", "Femke", "Sanne", "Bram", "Lars", "Ingrid", "Søren", "Freya", "Mikael",
            "Astrid", "Eline", "Nils",
        ],
        last: &[
            "de Vries", "van Dijk", "Jansen", "Bakker", "Visser", "van den Berg", "Hansen",
            "Johansson", "Lindqvist", "Nielsen", "Andersen", "Virtanen",
        ],
    },
    NameRegion {
        tag: "french",
        weight: 6,
        first: &[
            "Camille", "Louis", "Léa", "Hugo", "Manon", "Théo", "Chloé", "Antoine", "Inès",
            "Mathieu", "Élodie", "Julien",
        ],
        last: &[
            "Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Rousseau",
            "Fournier", "Mercier", "Lambert", "Bonnet",
        ],
    },
    NameRegion {
        tag: "hispanic",
        weight: 10,
        first: &[
            "Sofía", "Mateo", "Valentina", "Santiago", "Lucía", "Diego", "Camila", "Alejandro",
            "Isabel", "Javier", "Carmen", "Andrés", "Paula", "Miguel",
        ],
        last: &[
            "García", "Rodríguez", "Martínez", "López", "Hernández", "González", "Pérez",
            "Sánchez", "Ramírez", "Torres", "Flores", "Castillo", "Morales", "Ortega",
        ],
    },
    NameRegion {
        tag: "italian",
        weight: 5,
        first: &[
            "Giulia", "Marco", "Francesca", "Alessandro", "Chiara", "Lorenzo", "Martina",
            "Matteo", "Elena", "Davide",
        ],
        last: &[
            "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
            "Marino", "Greco",
        ],
    },
    NameRegion {
        tag: "lusophone",
        weight: 5,
        first: &[
            "João", "Beatriz", "Gabriel", "Mariana", "Rafael", "Larissa", "Thiago", "Fernanda",
            "Pedro", "Inês",
        ],
        last: &[
            "Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Ferreira", "Almeida",
            "Carvalho", "Ribeiro",
        ],
    },
    NameRegion {
        tag: "central-european",
        weight: 4,
        first: &[
            "Jakub", "Zofia", "Tomasz", "Katarzyna", "Petr", "Tereza", "Andrei", "Ioana",
            "Bence", "Réka",
        ],
        last: &[
            "Kowalski", "Nowak", "Lewandowski", "Zielinski", "Novak", "Svoboda", "Popescu",
            "Ionescu", "Nagy", "Horvath",
        ],
    },
    NameRegion {
        tag: "indian",
        weight: 10,
        first: &[
            "Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Kavya", "Arjun", "Meera", "Rahul",
            "Divya", "Siddharth", "Neha", "Karthik", "Lakshmi",
        ],
        last: &[
            "Sharma", "Patel", "Iyer", "Reddy", "Nair", "Gupta", "Mehta", "Banerjee", "Rao",
            "Kulkarni", "Menon", "Singh", "Chatterjee", "Desai",
        ],
    },
    NameRegion {
        tag: "chinese",
        weight: 7,
        first: &[
            "Wei", "Mei", "Jun", "Xiaoling", "Hao", "Yan", "Jie", "Lina", "Zhiwei", "Ying",
            "Chen", "Ruoxi",
        ],
        last: &[
            "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu",
            "Lin",
        ],
    },
    NameRegion {
        tag: "japanese",
        weight: 3,
        first: &["Haruto", "Yui", "Kenji", "Aoi", "Takeshi", "Sakura", "Ren", "Yuki", "Daiki", "Hina"],
        last: &[
            "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura",
            "Kobayashi", "Kato",
        ],
    },
    NameRegion {
        tag: "korean",
        weight: 3,
        first: &["Minjun", "Seoyeon", "Jiho", "Hayoon", "Dohyun", "Jiwoo", "Eunji", "Sungmin"],
        last: &["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon"],
    },
    NameRegion {
        tag: "west-african",
        weight: 5,
        first: &[
            "Chinedu", "Adaeze", "Oluwaseun", "Ngozi", "Kwame", "Ama", "Emeka", "Folake",
            "Kofi", "Yetunde",
        ],
        last: &[
            "Okonkwo", "Adeyemi", "Eze", "Balogun", "Mensah", "Owusu", "Okafor", "Adebayo",
            "Boateng", "Nwosu",
        ],
    },
    NameRegion {
        tag: "east-african",
        weight: 3,
        first: &["Wanjiru", "Otieno", "Amani", "Njeri", "Baraka", "Zawadi", "Juma", "Imani"],
        last: &["Kamau", "Ochieng", "Mwangi", "Wanjala", "Kiprop", "Mutua", "Njoroge", "Haile"],
    },
    NameRegion {
        tag: "arabic",
        weight: 5,
        first: &[
            "Omar", "Layla", "Youssef", "Fatima", "Karim", "Nour", "Hassan", "Salma", "Tariq",
            "Yasmin",
        ],
        last: &[
            "Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "Farouk", "Aziz", "Hamdan",
            "Rahman", "Darwish",
        ],
    },
    NameRegion {
        tag: "turkish-persian",
        weight: 4,
        first: &["Emre", "Elif", "Mehmet", "Zeynep", "Can", "Dariush", "Shirin", "Reza", "Leyla", "Arash"],
        last: &[
            "Yilmaz", "Kaya", "Demir", "Celik", "Aydin", "Hosseini", "Ahmadi", "Karimi",
            "Tehrani", "Sadeghi",
        ],
    },
    NameRegion {
        tag: "southeast-asian",
        weight: 5,
        first: &[
            "Linh", "Minh", "Thao", "Quang", "Maria Clara", "Paolo", "Andrea", "Rizal", "Siti",
            "Arief",
        ],
        last: &[
            "Nguyen", "Tran", "Pham", "Hoang", "Reyes", "Santos-Cruz", "Bautista", "Wijaya",
            "Santoso", "Rahmawati",
        ],
    },
];
